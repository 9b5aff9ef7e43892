import { describe, expect, it } from 'vitest';
import { parseRuntimeConfig } from './config';

describe('parseRuntimeConfig', () => {
  it('keeps an http(s) endpoint without its trailing slash', () => {
    expect(
      parseRuntimeConfig({ otlpEndpoint: 'https://otel.example.com/' }),
    ).toEqual({ otlpEndpoint: 'https://otel.example.com' });
  });

  it('runs without telemetry when the endpoint is unset or unusable', () => {
    expect(parseRuntimeConfig({ otlpEndpoint: '' })).toEqual({});
    expect(parseRuntimeConfig({ otlpEndpoint: 'not a url' })).toEqual({});
    expect(parseRuntimeConfig({ otlpEndpoint: 'javascript:alert(1)' })).toEqual(
      {},
    );
    expect(parseRuntimeConfig(null)).toEqual({});
  });
});
