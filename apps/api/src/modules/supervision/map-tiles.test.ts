import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { useTestApp } from '../../../test/use-test-app.js';

/** The supervisor's map: tiles from a configured URL (and only its origin added to img-src), or none. */
const app = useTestApp({ env: { MAP_TILE_URL: 'https://tiles.example.org/osm/{z}/{x}/{y}.png' } });

describe('MAP_TILE_URL', () => {
  it('reaches the team page, and its origin (only) is allowed for images', async () => {
    const sup = await app.as('supervisor', { lgaCode: 'ogo_oluwa' });
    const res = await app.call(sup, { method: 'GET', url: '/api/v1/supervision/team' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().tileUrl).toBe('https://tiles.example.org/osm/{z}/{x}/{y}.png');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("img-src 'self' data: blob: https://tiles.example.org;");
    expect(csp).toContain("connect-src 'self';");
  });

  it('refuses a template without {z}/{x}/{y} or not over http(s)', () => {
    for (const bad of ['https://tiles.example.org/tile.png', 'ftp://tiles.example.org/{z}/{x}/{y}.png', 'not a url']) {
      expect(() => loadConfig({ NODE_ENV: 'test', MAP_TILE_URL: bad }), bad).toThrow();
    }
    expect(loadConfig({ NODE_ENV: 'test' }).mapTileUrl).toBeUndefined();
  });
});
