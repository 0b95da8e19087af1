/**
 * Hand-checked values: each expectation below was read off the raw fixture (field named in the comment) and
 * compared with the decoded set, so the golden files are anchored to the payloads, not only to themselves.
 */
import { readFileSync } from 'node:fs';
import { EntityTypes, LabelKeys, Metrics, type MetricSet } from '@kubestats/core';
import { describe, expect, it } from 'vitest';
import { decodeContainerStats } from './container-stats-decoder.js';
import type { DecodeContext, DecodeResult } from './decode-context.js';
import { decodeResourceMetrics } from './resource-metrics-decoder.js';
import { decodeSummary } from './summary-decoder.js';
import { kubeletUsageNanoCoresMetric } from './summary-names.js';

const context: DecodeContext = { nodeName: 'n1', hostname: 'h1', hostId: 'id1', nowMs: Date.UTC(2030, 0, 1) };

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

function setOf(result: DecodeResult, key: string): MetricSet {
  const found = result.metricSets.find((set) => set.key === key);
  if (found === undefined) throw new Error(`no set ${key}; have ${result.metricSets.map((set) => set.key).join(', ')}`);
  return found;
}

/** The value as a decimal string (bigint-safe), or undefined when absent. */
function value(set: MetricSet, name: string): string | undefined {
  const found = set.metricValues.get(name);
  return found === undefined ? undefined : String(found.value);
}

function labeled(set: MetricSet, name: string, resourceId: string): string | undefined {
  const found = set.labeledMetrics.find((metric) => metric.name === name && metric.labels[LabelKeys.resourceId] === resourceId);
  return found === undefined ? undefined : String(found.value.value);
}

function keysUnique(result: DecodeResult): void {
  const keys = result.metricSets.map((set) => set.key);
  expect(new Set(keys).size).toBe(keys.length);
}

describe('decodeSummary on real payloads', () => {
  it('beats GKE 2017 (oldest schema): no pod cpu/memory, sums rootfs+logs, Heapster labels', () => {
    const result = decodeSummary(fixture('beats-gke-2017-stats-summary-trimmed.json'), context);
    keysUnique(result);
    const node = setOf(result, 'node:n1');
    expect(node.labels).toEqual({ type: 'node', nodename: 'n1', hostname: 'h1', host_id: 'id1' });
    expect(value(node, 'cpu/usage')).toBe('4189523881380'); // node.cpu.usageCoreNanoSeconds
    expect(value(node, kubeletUsageNanoCoresMetric)).toBe('18691146'); // node.cpu.usageNanoCores
    expect(value(node, 'memory/working_set')).toBe('2111090688'); // node.memory.workingSetBytes
    expect(value(node, 'network/rx')).toBe('1115133198'); // node.network.rxBytes (no interfaces list in 2017)
    expect(value(node, 'ephemeral_storage/usage')).toBe('2514276352'); // node.fs.usedBytes
    expect(labeled(node, 'filesystem/limit', '/')).toBe('101258067968'); // node.fs.capacityBytes
    expect(node.scrapeTimeMs).toBe(Date.parse('2017-04-20T08:06:41Z')); // node.cpu.time
    expect(node.collectionStartTimeMs).toBe(Date.parse('2017-04-18T12:53:49Z')); // node.startTime
    expect(value(node, 'uptime')).toBe(String(context.nowMs - Date.parse('2017-04-18T12:53:49Z')));
    const kubelet = setOf(result, 'node:n1/container:kubelet');
    expect(kubelet.labels[LabelKeys.type]).toBe(EntityTypes.systemContainer);
    expect(value(kubelet, 'cpu/usage')).toBe('2357800908948'); // systemContainers[0].cpu.usageCoreNanoSeconds
    const pod = setOf(result, 'namespace:default/pod:nginx-deployment-2303442956-pcqfc');
    expect(pod.labels[LabelKeys.podId]).toBe('beabc196-2456-11e7-a3ad-42010a840235');
    expect(value(pod, 'cpu/usage')).toBeUndefined(); // 2017 pods have no cpu: absent, not zero
    expect(value(pod, 'memory/usage')).toBeUndefined();
    expect(value(pod, 'network/rx')).toBe('107056'); // pods[0].network.rxBytes
    expect(labeled(pod, 'filesystem/usage', 'Volume:default-token-sg8x5')).toBe('12288'); // pods[0].volume[0].usedBytes
    const container = setOf(result, 'namespace:default/pod:nginx-deployment-2303442956-pcqfc/container:nginx');
    expect(container.labels).toMatchObject({ type: 'pod_container', container_name: 'nginx', pod_name: 'nginx-deployment-2303442956-pcqfc', namespace_name: 'default' });
    expect(value(container, 'cpu/usage')).toBe('43959424'); // containers[0].cpu.usageCoreNanoSeconds
    expect(value(container, 'ephemeral_storage/usage')).toBe(String(61440 + 28672)); // rootfs.usedBytes + logs.usedBytes
    expect(labeled(container, 'filesystem/usage', 'logs')).toBe('28672'); // logs.usedBytes
    expect(value(container, 'network/rx')).toBeUndefined();
    expect(result.diagnostics).toEqual([]);
  });

  it('Windows EKS 2020: memory is working set only, missing usageNanoCores stays absent, interfaces summed', () => {
    const result = decodeSummary(fixture('datadog-integrations-core-eks-windows-2020-04-stats-summary.json'), context);
    keysUnique(result);
    const node = setOf(result, 'node:n1');
    expect(value(node, 'cpu/usage')).toBe('452800000000'); // node.cpu.usageCoreNanoSeconds
    expect(value(node, 'network/rx')).toBe('2299494620'); // Σ node.network.interfaces[].rxBytes (10 adapters)
    expect(value(node, 'ephemeral_storage/usage')).toBe('26584014848'); // node.fs.usedBytes
    expect(labeled(node, 'filesystem/inodes', '/')).toBeUndefined(); // Windows node fs has no inodes
    const agent = setOf(result, 'namespace:default/pod:dd-datadog-lbvkl/container:process-agent');
    expect(value(agent, 'memory/working_set')).toBe('65474560'); // containers[0].memory.workingSetBytes
    expect(value(agent, 'memory/usage')).toBeUndefined();
    expect(value(agent, 'memory/page_faults')).toBeUndefined();
    expect(value(agent, kubeletUsageNanoCoresMetric)).toBeUndefined(); // process-agent has no usageNanoCores
    expect(value(agent, 'cpu/usage')).toBe('9359375000');
    const pod = setOf(result, 'namespace:default/pod:dd-datadog-lbvkl');
    expect(value(pod, 'cpu/usage')).toBe('33109375000'); // pods[0].cpu.usageCoreNanoSeconds
    expect(value(pod, 'network/rx')).toBe('694636'); // pods[0].network.interfaces[0] (cid-…)
    expect(value(pod, 'network/rx_errors')).toBeUndefined(); // Windows reports no errors
  });

  it('k8s 1.35: node interfaces summed, pod cgroup cpu used, ephemeral storage = rootfs + logs', () => {
    const result = decodeSummary(fixture('nri-kubernetes-k8s-1.35-stats-summary.json'), context);
    keysUnique(result);
    expect(result.metricSets.filter((set) => set.labels.type === 'pod')).toHaveLength(17);
    expect(result.metricSets.filter((set) => set.labels.type === 'pod_container')).toHaveLength(17);
    const node = setOf(result, 'node:n1');
    expect(value(node, 'cpu/usage')).toBe('62148052000'); // node.cpu.usageCoreNanoSeconds
    expect(value(node, 'memory/working_set')).toBe('917110784'); // node.memory.workingSetBytes
    expect(value(node, 'network/rx')).toBe('772921510'); // Σ node.network.interfaces[].rxBytes
    expect(node.scrapeTimeMs).toBe(Date.parse('2026-06-26T10:14:35Z')); // node.cpu.time
    const pod = setOf(result, 'namespace:kube-system/pod:kube-controller-manager-datagen-1-35');
    expect(value(pod, 'cpu/usage')).toBe('1944284000'); // pods[0].cpu.usageCoreNanoSeconds
    const container = setOf(result, 'namespace:kube-system/pod:kube-controller-manager-datagen-1-35/container:kube-controller-manager');
    expect(value(container, 'cpu/usage')).toBe('1877547000'); // containers[0].cpu.usageCoreNanoSeconds
    expect(value(container, 'ephemeral_storage/usage')).toBe(String(86016 + 32768)); // rootfs + logs usedBytes
  });

  it('GKE 2019: system containers runtime → docker-daemon, kubelet and pods keep their names', () => {
    const result = decodeSummary(fixture('datadog-integrations-core-gke-2019-11-stats-summary.json'), context);
    keysUnique(result);
    expect(value(setOf(result, 'node:n1/container:docker-daemon'), 'cpu/usage')).toBe('6216352123769'); // systemContainers "runtime"
    expect(setOf(result, 'node:n1/container:docker-daemon').labels[LabelKeys.containerName]).toBe('docker-daemon');
    expect(value(setOf(result, 'node:n1/container:kubelet'), 'cpu/usage')).toBe('14274249717788');
    expect(value(setOf(result, 'node:n1/container:pods'), 'cpu/usage')).toBe('23207698646433');
  });

  it('k8s 1.28: both containers of a two-container pod are kept under their own keys', () => {
    const result = decodeSummary(fixture('nri-kubernetes-k8s-1.28-stats-summary.json'), context);
    keysUnique(result);
    setOf(result, 'namespace:scraper/pod:e2e-statefulset-0/container:compute-pi-digits');
    setOf(result, 'namespace:scraper/pod:e2e-statefulset-0/container:failing-container');
    expect(result.metricSets.filter((set) => set.labels.type === 'pod_container')).toHaveLength(23);
  });
});

describe('decodeContainerStats on real payloads', () => {
  it('dd-agent k8s 1.1: "ns/name" pod label split, container name from the docker alias, pause → pod network only', () => {
    const result = decodeContainerStats(fixture('dd-agent-gce-k8s-1.1-2015-10-cadvisor-api-v1.3-subcontainers.json'), context);
    keysUnique(result);
    const container = setOf(result, 'namespace:default/pod:propjoe-lkc3l/container:propjoe');
    // /b9a57e9c…: stats[59].cpu.usage.total and memory.working_set (the last of 60 samples)
    expect(value(container, 'cpu/usage')).toBe('6525672598806');
    expect(value(container, 'memory/working_set')).toBe('2916352');
    expect(container.labels[LabelKeys.podId]).toBe('3a9b1759-4055-11e5-84ce-42010af01c62'); // from the alias k8s_propjoe.21f63023_propjoe-lkc3l_default_<uid>_…
    expect(container.scrapeTimeMs).toBe(Date.parse('2015-10-28T20:27:05.030Z'));
    expect(container.containerId).toBe('b9a57e9c93d44fb12192559c4545d75ee81f0f6259ef7e2ead118c2674c201df');
    const pod = setOf(result, 'namespace:default/pod:propjoe-lkc3l');
    expect(value(pod, 'network/rx')).toBe('4944664970'); // pause /2cb7e255…: network.interfaces[0].rx_bytes
    expect(value(pod, 'cpu/usage')).toBeUndefined(); // never the pause container's cpu (Heapster bug §9)
    expect(value(pod, 'memory/working_set')).toBeUndefined();
    setOf(result, 'node:n1/container:docker-daemon');
    setOf(result, 'node:n1/container:system/docker');
  });

  it('aws EKS 2019: the already-float-rounded 9223372036854772000 limits are treated as unlimited (absent)', () => {
    const body = fixture('aws-otel-collector-eks-2019-container-containerinfo-map.json');
    const result = decodeContainerStats(body, context);
    const container = setOf(result, 'namespace:default/pod:stress-1-core-mh2pn/container:ubuntu');
    expect(value(container, 'cpu/usage')).toBe('1727429404576983'); // stats[0].cpu.usage.total
    expect(value(container, 'memory/working_set')).toBe('28844032');
    expect(value(container, 'network/rx')).toBeUndefined(); // has_network false
    expect(container.labels[LabelKeys.podId]).toBe('af16b540-4ae2-11e9-977b-0672b6c6fc94');
    expect(result.diagnostics).toEqual([]);
  });

  it('aws EKS 2021 prev/cur: the node root cgroup, 7 interfaces summed, 54 s apart', () => {
    const previous = setOf(decodeContainerStats(fixture('aws-otel-collector-eks-2021-node-root-containerinfo-map-prev.json'), context), 'node:n1');
    const current = setOf(decodeContainerStats(fixture('aws-otel-collector-eks-2021-node-root-containerinfo-map-cur.json'), context), 'node:n1');
    expect(value(previous, 'cpu/usage')).toBe('33606616381967'); // ["/"].stats[0].cpu.usage.total
    expect(value(current, 'cpu/usage')).toBe('33612615469400');
    expect(value(current, 'network/rx')).toBe('3665437916'); // Σ of the 7 interfaces' rx_bytes
    expect(current.scrapeTimeMs - previous.scrapeTimeMs).toBe(54_226);
  });

  it('splunk kubelet /stats/ root: a single ContainerInfo, the last of 12 samples, 5 filesystems', () => {
    const node = setOf(decodeContainerStats(fixture('splunk-fluent-kubernetes-metrics-2018-kubelet-stats-root.json'), context), 'node:n1');
    expect(value(node, 'cpu/usage')).toBe('359046830985090'); // stats[11].cpu.usage.total
    expect(value(node, 'memory/working_set')).toBe('2516029440');
    expect(node.scrapeTimeMs).toBe(Date.parse('2018-12-03T19:07:18.103Z'));
    expect(labeled(node, 'filesystem/usage', '/dev/xvda1')).toBe('5019824128');
    expect(node.labeledMetrics.filter((metric) => metric.name === 'filesystem/usage')).toHaveLength(5);
  });
});

describe('decodeResourceMetrics on real payloads', () => {
  it('metrics-server kind 2021 /metrics/resource: seconds → exact ns, float bytes → ints, ms timestamps', () => {
    const result = decodeResourceMetrics(fixture('metrics-server-kind-2021-10-metrics-resource.prom'), context);
    keysUnique(result);
    const node = setOf(result, 'node:n1');
    expect(value(node, 'cpu/usage')).toBe('357354910000'); // node_cpu_usage_seconds_total 357.35491
    expect(value(node, 'memory/working_set')).toBe('1616273408'); // node_memory_working_set_bytes 1.616273408e+09
    expect(node.scrapeTimeMs).toBe(1633253809720);
    const container = setOf(result, 'namespace:kube-system/pod:coredns-558bd4d5db-4dpjz/container:coredns');
    expect(value(container, 'cpu/usage')).toBe('4710169000'); // 4.710169 s
    expect(value(container, 'memory/working_set')).toBe('12533760'); // 1.253376e+07
    expect(container.scrapeTimeMs).toBe(1633253812125);
    expect(container.collectionStartTimeMs).toBe(0); // this kubelet has no container_start_time_seconds
    expect(value(container, 'uptime')).toBeUndefined();
    const pod = setOf(result, 'namespace:kube-system/pod:coredns-558bd4d5db-4dpjz');
    expect(value(pod, 'cpu/usage')).toBe('4678120000'); // pod_cpu_usage_seconds_total 4.67812
    expect(value(pod, 'memory/working_set')).toBe('12627968');
    expect(result.metricSets).toHaveLength(141); // 1 node + 70 pods + 70 containers
  });

  it('/metrics/cadvisor with the new labels (k8s 1.16 docker, systemd): pause and pod cgroup go to the pod', () => {
    const result = decodeResourceMetrics(fixture('nri-kubernetes-k8s-1.16-docker-metrics-cadvisor.prom'), context);
    keysUnique(result);
    const container = setOf(result, 'namespace:kube-system/pod:coredns-5644d7b6d9-nz2s7/container:coredns');
    expect(value(container, 'cpu/usage')).toBe('1366839000'); // 1.366839424 s, kept to the µs
    expect(value(container, 'memory/working_set')).toBe('7229440'); // 7.22944e+06
    expect(container.containerId).toBe('c6fb6656f14d0aec126100aacb51cb4172b2fc0037663569390c82e3f429ed72');
    const pod = setOf(result, 'namespace:kube-system/pod:coredns-5644d7b6d9-nz2s7');
    expect(value(pod, 'cpu/usage')).toBe('1397880000'); // the pod cgroup's 1.39788043 s, not the pause's 0.023480822
    expect(value(pod, 'memory/working_set')).toBe('7925760'); // pod cgroup 7.92576e+06, not the pause's 696320
    expect(result.metricSets.some((set) => set.key.endsWith('/container:POD'))).toBe(false);
  });

  it('/metrics/cadvisor with the pre-1.16 labels (minikube 2018): per-CPU series summed', () => {
    const result = decodeResourceMetrics(fixture('nri-kubernetes-minikube-2018-pre1.16-labels-metrics-cadvisor.prom'), context);
    keysUnique(result);
    const container = setOf(result, 'namespace:kube-system/pod:kube-dns-54cccfbdf8-dznm7/container:kubedns');
    expect(value(container, 'cpu/usage')).toBe(String(6_195_056_000 + 6_431_759_000)); // cpu00 6.195056327 + cpu01 6.431759385
    expect(container.labels[LabelKeys.containerName]).toBe('kubedns');
    expect(result.metricSets.some((set) => set.key.endsWith('/container:POD'))).toBe(false);
  });

  it('every cadvisor dump (both label generations) yields pod containers with cpu and memory', () => {
    for (const file of [
      'datadog-integrations-core-gke-2018-02-pre1.16-labels-metrics-cadvisor.prom',
      'splunk-fluent-kubernetes-metrics-kops-2018-pre1.16-labels-metrics-cadvisor.prom',
      'nri-kubernetes-k8s-1.24-containerd-metrics-cadvisor.prom',
      'nri-kubernetes-k8s-1.35-containerd-metrics-cadvisor.prom',
    ]) {
      const result = decodeResourceMetrics(fixture(file), context);
      keysUnique(result);
      const containers = result.metricSets.filter((set) => set.labels.type === 'pod_container');
      expect(containers.length, file).toBeGreaterThan(5);
      for (const set of containers) {
        expect(set.metricValues.has(Metrics.cpuUsage.name), `${file} ${set.key}`).toBe(true);
        expect(set.metricValues.has(Metrics.memoryWorkingSet.name), `${file} ${set.key}`).toBe(true);
        expect(set.labels[LabelKeys.containerName], `${file} ${set.key}`).not.toMatch(/^(POD)?$/);
      }
    }
  });
});

describe('one or two hand-checked values for every other fixture', () => {
  // [fixture, decoder, set key, metric, expected, where the number comes from in the raw payload]
  const checks: ReadonlyArray<readonly [string, typeof decodeSummary, string, string, string, string]> = [
    ['nri-kubernetes-k8s-1.16-stats-summary.json', decodeSummary, 'node:n1', 'cpu/usage', '216639857637', 'node.cpu.usageCoreNanoSeconds'],
    ['nri-kubernetes-k8s-1.16-stats-summary.json', decodeSummary, 'namespace:scraper/pod:e2e-ds-8zz8h/container:busybox', 'memory/working_set', '557056', 'pods[0].containers[0].memory.workingSetBytes'],
    ['nri-kubernetes-k8s-1.20-stats-summary.json', decodeSummary, 'node:n1', 'cpu/usage', '0', 'node.cpu.usageCoreNanoSeconds is a real 0 on this arm64 node: kept'],
    ['nri-kubernetes-k8s-1.20-stats-summary.json', decodeSummary, 'namespace:scraper/pod:e2e-statefulset-0/container:busybox', 'memory/working_set', '311296', 'pods[0].containers[0].memory.workingSetBytes'],
    ['nri-kubernetes-k8s-1.24-stats-summary.json', decodeSummary, 'node:n1', 'cpu/usage', '89211312000', 'node.cpu.usageCoreNanoSeconds'],
    ['nri-kubernetes-k8s-1.24-stats-summary.json', decodeSummary, 'namespace:kube-system/pod:kube-apiserver-datagen-1-24/container:kube-apiserver', 'memory/working_set', '322899968', 'pods[0].containers[0].memory.workingSetBytes'],
    ['nri-kubernetes-minikube-2018-stats-summary.json', decodeSummary, 'node:n1', 'cpu/usage', '22332102208229', 'node.cpu.usageCoreNanoSeconds'],
    ['nri-kubernetes-minikube-2018-stats-summary.json', decodeSummary, 'namespace:kube-system/pod:kube-state-metrics-57f4659995-6n2qq/container:kube-state-metrics', 'memory/working_set', '15110144', 'pods[0].containers[0].memory.workingSetBytes'],
    ['splunk-fluent-kubernetes-metrics-eks-2018-stats-summary-trimmed.json', decodeSummary, 'node:n1', 'cpu/usage', '68824254091816', 'node.cpu.usageCoreNanoSeconds'],
    ['splunk-fluent-kubernetes-metrics-eks-2018-stats-summary-trimmed.json', decodeSummary, 'namespace:generic_namespace/pod:kube-system-logging-splunk-kubernetes-logging-4kbsb/container:splunk-fluentd-k8s-logs', 'memory/working_set', '71749632', 'pods[0].containers[0].memory.workingSetBytes'],
    ['dd-agent-gke-k8s-1.2-2016-04-cadvisor-api-v1.3-subcontainers.json', decodeContainerStats, 'node:n1', 'cpu/usage', '115396052079869', '"/" stats[8] (22:26:22.934).cpu.usage.total'],
    ['dd-agent-gke-k8s-1.2-2016-04-cadvisor-api-v1.3-subcontainers.json', decodeContainerStats, 'namespace:default/pod:dd-agent-idydc/container:dd-agent', 'cpu/usage', '31753029705892', 'last stats of the io.kubernetes.container.name=dd-agent cgroup'],
    ['dd-agent-k8s-1.2-2016-06-cadvisor-api-v1.3-subcontainers.json', decodeContainerStats, 'node:n1', 'cpu/usage', '179058059341746', '"/" last stats (16:07:50.026).cpu.usage.total'],
    ['dd-agent-k8s-1.2-2016-06-cadvisor-api-v1.3-subcontainers.json', decodeContainerStats, 'namespace:default/pod:dd-agent-1rxlh/container:dd-agent', 'memory/working_set', '94449664', 'last stats memory.working_set'],
    ['datadog-integrations-core-gke-2018-02-pre1.16-labels-metrics-cadvisor.prom', decodeResourceMetrics, 'node:n1', 'cpu/usage', '11155288817000', 'id="/" cpu="cpu00" 11155.288817375 s (the only CPU), to the µs'],
    ['splunk-fluent-kubernetes-metrics-kops-2018-pre1.16-labels-metrics-cadvisor.prom', decodeResourceMetrics, 'node:n1', 'cpu/usage', '51135460589000', 'id="/" cpu="total" 51135.46058893 s, to the µs'],
    ['splunk-fluent-kubernetes-metrics-kops-2018-pre1.16-labels-metrics-cadvisor.prom', decodeResourceMetrics, 'namespace:kube-system/pod:dns-controller-6d6b7f78b-9n6cw/container:dns-controller', 'cpu/usage', '143001008000', 'container_name="dns-controller" 143.001007678 s (not the POD series 0.004540059)'],
    ['splunk-fluent-kubernetes-metrics-kops-2018-pre1.16-labels-metrics-cadvisor.prom', decodeResourceMetrics, 'namespace:kube-system/pod:dns-controller-6d6b7f78b-9n6cw/container:dns-controller', 'memory/working_set', '8273920', 'container_memory_working_set_bytes 8.27392e+06'],
    ['nri-kubernetes-k8s-1.24-containerd-metrics-cadvisor.prom', decodeResourceMetrics, 'node:n1', 'cpu/usage', '89211312000', 'id="/" 89.211312 s; equals the paired 1.24 summary node.cpu.usageCoreNanoSeconds'],
    ['nri-kubernetes-k8s-1.24-containerd-metrics-cadvisor.prom', decodeResourceMetrics, 'namespace:scraper/pod:e2e-depl-7dfd7fb8f5-hzd2k/container:busybox', 'cpu/usage', '8300000', 'container="busybox" 0.0083 s'],
    ['nri-kubernetes-k8s-1.35-containerd-metrics-cadvisor.prom', decodeResourceMetrics, 'node:n1', 'cpu/usage', '62148052000', 'id="/" 62.148052 s; equals the paired 1.35 summary node.cpu.usageCoreNanoSeconds'],
    ['nri-kubernetes-k8s-1.35-containerd-metrics-cadvisor.prom', decodeResourceMetrics, 'namespace:scraper/pod:e2e-daemonset-kb65b/container:compute-pi-digits', 'cpu/usage', '3386871000', 'container="compute-pi-digits" 3.386871 s'],
  ];
  it.each(checks)('%s: %s %s %s = %s (%s)', (file, decode, key, metric, expected) => {
    expect(value(setOf(decode(fixture(file), context), key), metric)).toBe(expected);
  });
});
