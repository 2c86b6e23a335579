// The data plane, emulated with network namespaces and the real CNI plugins (test/support/netns.ts): the chart's
// scripts run as their pods run them, a node starts the chart init container by init container. Its own room, so its
// waits (timeouts on purpose) overlap the other rooms' work.
import './cross-node.cases';
import './node-start.cases';
