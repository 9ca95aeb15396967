package session

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// parseTrustedProxies reads Config.TrustedProxies: addresses ("10.0.0.1")
// or prefixes ("10.0.0.0/8").
func parseTrustedProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("session: TrustedProxies: %q is neither an IP address nor a prefix such as 10.0.0.0/8", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func trusted(proxies []netip.Prefix, a netip.Addr) bool {
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the address a request came from: the connection's peer,
// unless that peer is a trusted proxy, in which case X-Forwarded-For is
// read from the right, past every trusted proxy, to the first address
// that is not one. With no trusted proxies (the default) the header is
// never read, so a client cannot choose its own address. "" when the peer
// is not an IP (a request built in code).
func clientIP(r *http.Request, proxies []netip.Prefix) string {
	if r == nil {
		return ""
	}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return ""
	}
	addr := peer.Addr().Unmap()
	if !trusted(proxies, addr) {
		return addr.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h == "" {
			continue
		}
		a, err := netip.ParseAddr(h)
		if err != nil {
			break // a hop we cannot read: trust nothing before it
		}
		addr = a.Unmap()
		if !trusted(proxies, addr) {
			break
		}
	}
	return addr.String()
}
