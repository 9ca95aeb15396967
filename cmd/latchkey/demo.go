package main

import (
	"context"
	"errors"
	"io"
)

// runDemo will start the core, a demo backend and a demo website together.
func runDemo(context.Context, []string, func(string) string, io.Writer, io.Writer) error {
	return errors.New("the demo arrives with the SDK; run `latchkey core` for now")
}
