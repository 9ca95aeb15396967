//go:build !linux

package main

import "syscall"

// childAttr sets nothing: only Linux can tie a child's life to ours.
func childAttr() *syscall.SysProcAttr { return nil }
