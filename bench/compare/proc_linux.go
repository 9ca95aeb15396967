package main

import "syscall"

// childAttr makes the kernel kill a child when this process dies, so an
// interrupted run leaves no core or backend behind.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
