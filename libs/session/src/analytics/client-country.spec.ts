import type { Request } from 'express';
import { clientCountryOf } from './client-country';

function requestWith(headers: Record<string, string | string[]>): Request {
  return { headers } as unknown as Request;
}

describe('clientCountryOf', () => {
  it('reads a two-letter code from the configured header, in upper case', () => {
    expect(clientCountryOf(requestWith({ 'cf-ipcountry': 'fr' }), 'cf-ipcountry')).toBe('FR');
    expect(clientCountryOf(requestWith({ 'x-country': ' DE ' }), 'X-Country')).toBe('DE');
  });

  it.each([[''], ['FRA'], ['F1'], ['<script>'], ['XX'], ['T1']])('reads %p as unknown', (value) => {
    expect(clientCountryOf(requestWith({ 'cf-ipcountry': value }), 'cf-ipcountry')).toBe('unknown');
  });

  it('reads a missing header as unknown, and a repeated one by its first value', () => {
    expect(clientCountryOf(requestWith({}), 'cf-ipcountry')).toBe('unknown');
    expect(clientCountryOf(requestWith({ 'cf-ipcountry': ['NL', 'BE'] }), 'cf-ipcountry')).toBe(
      'NL',
    );
  });
});
