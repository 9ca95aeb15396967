package latchkey

// ConnectionURI returns the first core's URL as configured,
// scheme://host[:port][/base], or "" when the core is called in-process.
// The dashboard shows it in the curl commands that create its accounts.
func (c *CoreClient) ConnectionURI() string {
	if len(c.hosts) == 0 || c.hosts[0].domain == inProcessHost {
		return ""
	}
	return c.hosts[0].domain + c.hosts[0].basePath
}

// HasAPIKey reports whether calls to the core carry an api-key header,
// that is, whether the core asks for one.
func (c *CoreClient) HasAPIKey() bool { return c.apiKey != "" }
