package core

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the core's Prometheus collectors, labelled by route pattern
// (never by raw path, which would let clients grow the label set).
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// auditFailures counts audit events the store refused twice (each is
	// logged too).
	auditFailures prometheus.Counter
	handler       http.Handler
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "latchkey_core_requests_total",
			Help: "CDI requests answered, by method, route and HTTP status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "latchkey_core_request_duration_seconds",
			Help:    "Time to answer a CDI request, by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		auditFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "latchkey_audit_write_failures_total",
			Help: "Audit events that could not be stored (each is logged at ERROR level).",
		}),
	}
	if reg == nil {
		r := prometheus.NewRegistry()
		r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		reg = r
		m.handler = promhttp.HandlerFor(r, promhttp.HandlerOpts{})
	} else {
		m.handler = promhttp.Handler()
		if g, ok := reg.(prometheus.Gatherer); ok {
			m.handler = promhttp.HandlerFor(g, promhttp.HandlerOpts{})
		}
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.auditFailures} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// observe counts one request. route is a route pattern, "/" or
// "unmatched" (see Core.serve), never the raw path.
func (m *metrics) observe(method, route string, code int, elapsed time.Duration) {
	m.requests.WithLabelValues(methodLabel(method), route, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(route).Observe(elapsed.Seconds())
}

// methodLabel is the method's label, from a fixed set: any token is a
// valid HTTP method, and each one labelled as sent would be a new series
// for as long as the process runs.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete,
		http.MethodPatch, http.MethodHead, http.MethodOptions:
		return method
	}
	return "other"
}
