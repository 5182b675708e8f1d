package app

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	wailsassets "github.com/wailsapp/wails/v2/pkg/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
)

const dmPage = `<!doctype html><html><head><meta charset="utf-8"><title>Hexcrawl DM</title>` +
	`<script type="module" crossorigin src="/assets/dm.js"></script></head><body><div id="root"></div></body></html>`

// fakeHub stands in for the hub's handler: the window handler only sees an http.Handler, and
// these routes cover what it must treat differently (HTML pages, assets, API calls).
func fakeHub() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /dm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", "9999") // wrong on purpose: the injection must fix it
		io.WriteString(w, dmPage)
	})
	mux.HandleFunc("GET /dm/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, dmPage)
	})
	mux.HandleFunc("GET /sniffed", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, dmPage) // no Content-Type: net/http would sniff text/html
	})
	mux.HandleFunc("GET /gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, dmPage)
		zw.Close()
	})
	mux.HandleFunc("GET /assets/dm.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, "console.log('dm')")
	})
	mux.HandleFunc("GET /api/hub", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"name":"hexcrawl","protocol":1}`)
	})
	mux.HandleFunc("POST /api/campaigns", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, `{"error":{"code":"unauthorized"}}`, http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(body)
	})
	mux.HandleFunc("GET /missing.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<html><head></head><body>not found</body></html>")
	})
	return mux
}

func serve(h http.Handler, method, path, body string, hdr map[string]string) *http.Response {
	req := httptest.NewRequest(method, "wails://wails"+path, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func readAll(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWindowHandler(t *testing.T) {
	h := WindowHandler(fakeHub())
	injected := `<head><script src="/wails/ipc.js"></script><script src="/wails/runtime.js"></script><meta charset="utf-8"/>`
	tests := []struct {
		name, method, path, body string
		hdr                      map[string]string
		status                   int
		contains, absent         []string
	}{
		{name: "start page moves to the DM UI", method: "GET", path: "/", status: 200,
			contains: []string{"location.replace(`/dm${location.hash}`)"}},
		{name: "index.html is the start page too", method: "GET", path: "/index.html", status: 200,
			contains: []string{"location.replace("}},
		{name: "DM page gets the Wails scripts first in head", method: "GET", path: "/dm", status: 200,
			contains: []string{injected, `<script type="module" crossorigin="" src="/assets/dm.js">`}},
		{name: "sniffed HTML is injected too", method: "GET", path: "/sniffed", status: 200,
			contains: []string{injected}},
		{name: "trailing slash left to Wails", method: "GET", path: "/dm/", status: 200,
			contains: []string{dmPage}, absent: []string{"/wails/ipc.js"}},
		{name: "compressed HTML passes untouched", method: "GET", path: "/gz", status: 200,
			absent: []string{"/wails/"}},
		{name: "scripts pass untouched", method: "GET", path: "/assets/dm.js", status: 200,
			contains: []string{"console.log('dm')"}, absent: []string{"/wails/"}},
		{name: "API JSON passes untouched", method: "GET", path: "/api/hub", status: 200,
			contains: []string{`{"name":"hexcrawl","protocol":1}`}},
		{name: "POST reaches the hub with headers and body", method: "POST", path: "/api/campaigns",
			body: `{"name":"Fen"}`, hdr: map[string]string{"Authorization": "Bearer tok"}, status: 201,
			contains: []string{`{"name":"Fen"}`}},
		{name: "hub's refusal passes through", method: "POST", path: "/api/campaigns", body: `{}`, status: 401,
			contains: []string{"unauthorized"}},
		{name: "HTML error pages are not injected", method: "GET", path: "/missing.html", status: 404,
			absent: []string{"/wails/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := serve(h, tt.method, tt.path, tt.body, tt.hdr)
			body := readAll(t, res)
			if res.StatusCode != tt.status {
				t.Fatalf("%s %s: status %d, want %d; body %q", tt.method, tt.path, res.StatusCode, tt.status, body)
			}
			for _, s := range tt.contains {
				if !strings.Contains(body, s) {
					t.Errorf("%s %s: body lacks %q:\n%s", tt.method, tt.path, s, body)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(body, s) {
					t.Errorf("%s %s: body has %q:\n%s", tt.method, tt.path, s, body)
				}
			}
			if cl := res.Header.Get("Content-Length"); cl != "" && cl != itoa(len(body)) {
				t.Errorf("%s %s: Content-Length %s, body is %d bytes", tt.method, tt.path, cl, len(body))
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// fakeRuntime gives Wails' real asset server recognisable runtime scripts.
type fakeRuntime struct{}

func (fakeRuntime) DesktopIPC() []byte       { return []byte("/*ipc*/") }
func (fakeRuntime) WebsocketIPC() []byte     { return []byte("/*ws ipc*/") }
func (fakeRuntime) RuntimeDesktopJS() []byte { return []byte("/*runtime*/") }

// Through Wails' own asset server, as the window uses it: each page gets the scripts exactly
// once, and the scripts themselves are served by Wails, not the hub.
func TestWindowHandlerInsideWailsAssetServer(t *testing.T) {
	srv, err := wailsassets.NewAssetServer(`{"app":{}}`, assetserver.Options{Handler: WindowHandler(fakeHub())}, false, nil, fakeRuntime{})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/dm"} {
		body := readAll(t, serve(srv, "GET", path, "", nil))
		if n := strings.Count(body, `src="/wails/ipc.js"`); n != 1 {
			t.Errorf("GET %s: ipc.js included %d times, want 1:\n%s", path, n, body)
		}
		if n := strings.Count(body, `src="/wails/runtime.js"`); n != 1 {
			t.Errorf("GET %s: runtime.js included %d times, want 1:\n%s", path, n, body)
		}
	}
	if body := readAll(t, serve(srv, "GET", "/wails/runtime.js", "", nil)); !strings.Contains(body, "/*runtime*/") {
		t.Errorf("runtime.js = %q, want Wails' runtime", body)
	}
	res := serve(srv, "POST", "/api/campaigns", `{"name":"Fen"}`, map[string]string{"Authorization": "Bearer tok"})
	if body := readAll(t, res); res.StatusCode != 201 || body != `{"name":"Fen"}` {
		t.Errorf("POST /api/campaigns through the asset server: %d %q", res.StatusCode, body)
	}
}

func TestInjectWailsScriptsIdempotent(t *testing.T) {
	once, err := injectWailsScripts([]byte(dmPage))
	if err != nil {
		t.Fatal(err)
	}
	twice, err := injectWailsScripts(once)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(once, twice) {
		t.Fatalf("second injection changed the page:\n%s\n%s", once, twice)
	}
	// A fragment without <head> still gets one.
	out, err := injectWailsScripts([]byte("<p>build the UI</p>"))
	if err != nil || !strings.Contains(string(out), `<head><script src="/wails/ipc.js"></script>`) {
		t.Fatalf("fragment: %q, %v", out, err)
	}
}
