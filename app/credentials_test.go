package app

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestCredentialsFor(t *testing.T) {
	tests := []struct {
		name, base, token string
		want              Credentials
		wantErr           string
	}{
		{name: "loopback", base: "http://127.0.0.1:7777", token: "abc",
			want: Credentials{HubURL: "http://127.0.0.1:7777", WSURL: "ws://127.0.0.1:7777/ws", Token: "abc"}},
		{name: "trailing slash", base: "http://127.0.0.1:7777/", token: "abc",
			want: Credentials{HubURL: "http://127.0.0.1:7777", WSURL: "ws://127.0.0.1:7777/ws", Token: "abc"}},
		{name: "all IPv4 interfaces dial loopback", base: "http://0.0.0.0:7777", token: "abc",
			want: Credentials{HubURL: "http://127.0.0.1:7777", WSURL: "ws://127.0.0.1:7777/ws", Token: "abc"}},
		{name: "all IPv6 interfaces dial loopback", base: "http://[::]:7777", token: "abc",
			want: Credentials{HubURL: "http://[::1]:7777", WSURL: "ws://[::1]:7777/ws", Token: "abc"}},
		{name: "LAN address kept", base: "http://192.168.1.20:7777", token: "abc",
			want: Credentials{HubURL: "http://192.168.1.20:7777", WSURL: "ws://192.168.1.20:7777/ws", Token: "abc"}},
		{name: "https and a path prefix", base: "https://hub.example:8443/hexcrawl/", token: "t0-k_e.n~",
			want: Credentials{HubURL: "https://hub.example:8443/hexcrawl", WSURL: "wss://hub.example:8443/hexcrawl/ws", Token: "t0-k_e.n~"}},
		{name: "no port", base: "http://localhost", token: "abc",
			want: Credentials{HubURL: "http://localhost", WSURL: "ws://localhost/ws", Token: "abc"}},
		{name: "bad scheme", base: "ftp://127.0.0.1:7777", token: "abc", wantErr: "scheme must be http or https"},
		{name: "no scheme", base: "127.0.0.1:7777", token: "abc", wantErr: "hub base URL"},
		{name: "query", base: "http://127.0.0.1:7777/?x=1", token: "abc", wantErr: "want scheme://host:port"},
		{name: "empty token", base: "http://127.0.0.1:7777", token: "", wantErr: "DM token is empty"},
		{name: "token with a space", base: "http://127.0.0.1:7777", token: "a b", wantErr: `contains ' '`},
		{name: "token with a comma", base: "http://127.0.0.1:7777", token: "a,b", wantErr: `contains ','`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CredentialsFor(tt.base, tt.token)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("CredentialsFor(%q, %q) error = %v, want one containing %q", tt.base, tt.token, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("CredentialsFor(%q, %q): %v", tt.base, tt.token, err)
			}
			if got != tt.want {
				t.Fatalf("CredentialsFor(%q, %q) = %+v, want %+v", tt.base, tt.token, got, tt.want)
			}
		})
	}
}

func TestCheckExternalURL(t *testing.T) {
	tests := []struct {
		raw string
		ok  bool
	}{
		{"http://192.168.1.20:7777/join?code=ABCD", true},
		{"https://example.com/docs", true},
		{"file:///etc/passwd", false},
		{"javascript:alert(1)", false},
		{"wails://wails/dm", false},
		{"mailto:dm@example.com", false},
		{"http:///nohost", false},
		{"/relative", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			_, err := checkExternalURL(tt.raw)
			if (err == nil) != tt.ok {
				t.Fatalf("checkExternalURL(%q) error = %v, want ok=%v", tt.raw, err, tt.ok)
			}
		})
	}
}

func TestDMCredentials(t *testing.T) {
	c, err := CredentialsFor("http://127.0.0.1:7777", "tok")
	if err != nil {
		t.Fatal(err)
	}
	got, err := New(Options{Credentials: c}).DMCredentials()
	if err != nil || got != c {
		t.Fatalf("DMCredentials() = %+v, %v; want %+v", got, err, c)
	}
	if _, err := New(Options{}).DMCredentials(); err == nil {
		t.Fatal("DMCredentials() without credentials: want an error, the UI must not dial an empty URL")
	}
}

// Every exported method of *App is callable from JavaScript, so the set is part of the contract
// with the DM UI and must not grow by accident (a bound "Shutdown" would let a page stop the hub).
func TestBoundMethods(t *testing.T) {
	typ := reflect.TypeFor[*App]()
	var got []string
	for m := range typ.Methods() {
		got = append(got, m.Name)
	}
	sort.Strings(got)
	want := []string{"DMCredentials", "OpenCampaignFile", "OpenURL", "SaveCampaignFile"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("methods bound to the window = %v, want %v", got, want)
	}
}

func TestNativeMethodsNeedTheWindow(t *testing.T) {
	a := New(Options{})
	if err := a.OpenURL("https://example.com"); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Fatalf("OpenURL before the window started: error = %v, want 'not running'", err)
	}
	if err := a.OpenURL("file:///etc/passwd"); err == nil || !strings.Contains(err.Error(), "only http and https") {
		t.Fatalf("OpenURL(file://): error = %v, want the scheme refused first", err)
	}
	if _, err := a.SaveCampaignFile("x", "{}"); err == nil {
		t.Fatal("SaveCampaignFile before the window started: want an error")
	}
	if _, err := a.OpenCampaignFile(); err == nil {
		t.Fatal("OpenCampaignFile before the window started: want an error")
	}
}
