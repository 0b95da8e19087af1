import { describe, expect, it } from 'vitest';
import { targetAddress, targetUrl } from './kubelet-target.js';
import { staticTargets } from './static-targets.js';

describe('staticTargets', () => {
  it('parses host[:port] entries, defaulting the port and naming each node by its host', () => {
    const result = staticTargets(['10.0.0.7:10250', 'node-b', '[fd00::7]:10250', 'node-b'], { port: 10255, https: true });
    expect(result).toEqual({
      ok: true,
      targets: [
        { nodeName: '10.0.0.7', hostname: '10.0.0.7', hostId: '', host: '10.0.0.7', port: 10250, https: true },
        { nodeName: 'node-b', hostname: 'node-b', hostId: '', host: 'node-b', port: 10255, https: true },
        { nodeName: 'fd00::7', hostname: 'fd00::7', hostId: '', host: 'fd00::7', port: 10250, https: true },
      ],
    });
  });

  it('names targets host:port when one host is listed with several ports', () => {
    const result = staticTargets(['127.0.0.1:10001', '127.0.0.1:10002'], { port: 10255, https: false });
    expect(result.ok && result.targets.map((target) => target.nodeName)).toEqual(['127.0.0.1:10001', '127.0.0.1:10002']);
  });

  it('reports every malformed entry', () => {
    expect(staticTargets(['http://a:1', 'b:99999', '[zz]:1', 'ok:1'], { port: 1, https: false })).toEqual({
      ok: false,
      problems: [
        { path: 'kubelets', message: '"http://a:1" is not host[:port] (e.g. 10.0.0.7:10250 or [fd00::7]:10250)' },
        { path: 'kubelets', message: '"b:99999" is not host[:port] (e.g. 10.0.0.7:10250 or [fd00::7]:10250)' },
        { path: 'kubelets', message: '"[zz]:1" is not host[:port] (e.g. 10.0.0.7:10250 or [fd00::7]:10250)' },
      ],
    });
  });
});

describe('targetAddress / targetUrl', () => {
  it('brackets IPv6 hosts', () => {
    const target = { nodeName: 'n', hostname: 'n', hostId: '', host: 'fd00::7', port: 10250, https: true };
    expect(targetAddress(target)).toBe('[fd00::7]:10250');
    expect(targetUrl(target, '/stats/summary')).toBe('https://[fd00::7]:10250/stats/summary');
    expect(targetUrl({ ...target, host: '10.0.0.7', https: false }, '/metrics/resource')).toBe('http://10.0.0.7:10250/metrics/resource');
  });
});
