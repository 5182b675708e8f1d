package app

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const (
	// maxCampaignFile bounds what OpenCampaignFile reads into memory and hands to JavaScript. A
	// 400×400 map with labels and notes on every hex stays well below it.
	maxCampaignFile = 64 << 20
	// shutdownTimeout bounds the hub's shutdown after the window closed.
	shutdownTimeout = 5 * time.Second
	campaignExt     = ".json"
)

// campaignFileName turns the UI's suggested name into a plain file name for the save dialog.
func campaignFileName(suggested string) string {
	name := strings.TrimSpace(suggested)
	// Only a name: the dialog chooses the directory.
	name = strings.Map(func(r rune) rune {
		switch r {
		case '/', '\\', ':', 0:
			return '-'
		}
		if r < 0x20 {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, ". ")
	if name == "" {
		name = "campaign"
	}
	if !strings.HasSuffix(strings.ToLower(name), campaignExt) {
		name += campaignExt
	}
	return name
}

// writeFileAtomic writes data to path through a temporary file in the same directory and a
// rename, so a crash or a full disk never leaves a half-written campaign where a good one was.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("save campaign: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("save campaign: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("save campaign: %w", err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("save campaign: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("save campaign: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save campaign: %w", err)
	}
	return nil
}

// readCampaignFile reads a campaign file chosen in the open dialog, refusing what is not a
// regular file or is too large to be one.
func readCampaignFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open campaign: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open campaign: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("open campaign: %s is not a regular file", path)
	}
	if st.Size() > maxCampaignFile {
		return nil, fmt.Errorf("open campaign: %s is %d bytes; a campaign file is at most %d", path, st.Size(), maxCampaignFile)
	}
	// Read one byte past the limit in case the file grew after Stat.
	data, err := io.ReadAll(io.LimitReader(f, maxCampaignFile+1))
	if err != nil {
		return nil, fmt.Errorf("open campaign: %w", err)
	}
	if len(data) > maxCampaignFile {
		return nil, fmt.Errorf("open campaign: %s is larger than %d bytes", path, maxCampaignFile)
	}
	return data, nil
}
