// Which join link the invite's QR code carries.
import { describe, expect, it } from 'vitest';
import { joinUrls, qrTarget } from './Invite';

describe('qrTarget', () => {
  it.each([
    [['http://hexcrawl.local:7777/join/C', 'http://192.168.1.20:7777/join/C'], 'http://192.168.1.20:7777/join/C'],
    [['http://hexcrawl-2.local:7777/join/C', 'http://[fd00::5]:7777/join/C'], 'http://[fd00::5]:7777/join/C'],
    [['http://hexcrawl.local:7777/join/C'], 'http://hexcrawl.local:7777/join/C'],
    [['http://127.0.0.1:7777/join/C'], 'http://127.0.0.1:7777/join/C'],
    [[], ''],
  ])('%j → %s', (urls, want) => {
    expect(qrTarget(urls)).toBe(want);
  });

  it('picks the IP link from what the hub lists, .local first', () => {
    const urls = joinUrls({ code: 'CNV74429YX' } as Parameters<typeof joinUrls>[0], ['http://hexcrawl.local:7777', 'http://10.0.0.5:7777/']);
    expect(urls[0]).toBe('http://hexcrawl.local:7777/join/CNV74429YX');
    expect(qrTarget(urls)).toBe('http://10.0.0.5:7777/join/CNV74429YX');
  });
});
