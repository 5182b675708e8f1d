package hub

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
)

func TestUIServesAssetsGzipped(t *testing.T) {
	script := strings.Repeat("export const hex = 'forest';\n", 200)
	ui := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>Hexcrawl</title>")},
		"assets/index-abc.js":  {Data: []byte(script)},
		"assets/tiny-abc.css":  {Data: []byte("body{margin:0}")},
		"assets/icon-abc.png":  {Data: []byte(strings.Repeat("\x89PNG", 600))},
		"assets/style-abc.css": {Data: []byte(strings.Repeat(".hex{fill:green}\n", 200))},
	}
	th := newTestHub(t, withConfig(func(c *Config) { c.UI = ui }))
	tests := []struct {
		name, path, acceptEncoding string
		wantGzip                   bool
		wantType                   string
	}{
		{"script, gzip accepted", "/assets/index-abc.js", "gzip, deflate, br", true, "text/javascript; charset=utf-8"},
		{"script, no encoding accepted", "/assets/index-abc.js", "", false, "text/javascript; charset=utf-8"},
		{"style sheet", "/assets/style-abc.css", "gzip", true, "text/css; charset=utf-8"},
		{"too small to bother", "/assets/tiny-abc.css", "gzip", false, "text/css; charset=utf-8"},
		{"images stay as they are", "/assets/icon-abc.png", "gzip", false, "image/png"},
		{"the app's routes get index.html", "/join/ABCDE", "gzip", false, "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest("GET", th.srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Set explicitly, so Go's transport neither adds gzip nor decodes it for us.
			req.Header.Set("Accept-Encoding", tt.acceptEncoding)
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tt.wantType {
				t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			body := io.Reader(resp.Body)
			if got := resp.Header.Get("Content-Encoding") == "gzip"; got != tt.wantGzip {
				t.Fatalf("Content-Encoding %q, want gzip=%v", resp.Header.Get("Content-Encoding"), tt.wantGzip)
			}
			if tt.wantGzip {
				zr, err := gzip.NewReader(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				body = zr
			}
			got, err := io.ReadAll(body)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := ui.ReadFile(strings.TrimPrefix(tt.path, "/"))
			if strings.HasPrefix(tt.path, "/join/") {
				want, _ = ui.ReadFile("index.html")
			}
			if string(got) != string(want) {
				t.Fatalf("body differs from the file: %d bytes, want %d", len(got), len(want))
			}
		})
	}
}
