{{/*
Chart name, for app.kubernetes.io/name.
*/}}
{{- define "multus-whereabouts.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Namespace of the Multus/Whereabouts objects (kube-system by default, as in the guide).
*/}}
{{- define "multus-whereabouts.namespace" -}}
{{- .Values.namespace | default "kube-system" -}}
{{- end -}}

{{/*
Standard labels on every object. The guide's own `app: gke-multinet` is kept where the guide sets it.
*/}}
{{- define "multus-whereabouts.labels" -}}
{{ include "multus-whereabouts.podLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
{{- end -}}

{{/*
The standard labels of the DaemonSet's pods: all but helm.sh/chart, which changes with every chart release and would
restart Multus and Whereabouts on every node for a release that changed nothing they run.
*/}}
{{- define "multus-whereabouts.podLabels" -}}
app.kubernetes.io/name: {{ include "multus-whereabouts.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/part-of: gke-multinet
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Selector of the DaemonSet: exactly the guide's, because a DaemonSet selector cannot change after creation.
*/}}
{{- define "multus-whereabouts.selectorLabels" -}}
app: gke-multinet
{{- end -}}

{{/*
An image reference: registry/repository:tag@digest (the digest pins the exact build).
*/}}
{{- define "multus-whereabouts.image" -}}
{{- $ref := printf "%s/%s:%s" .registry .repository (toString .tag) -}}
{{- if .digest -}}{{- $ref = printf "%s@%s" $ref .digest -}}{{- end -}}
{{- $ref -}}
{{- end -}}

{{/*
The CNI configuration of one network, built as data and rendered as JSON:
{"cniVersion":"0.3.1","plugins":[{"type":"ipvlan","master":…,"mode":…,"ipam":{"type":"whereabouts","range":…}}]}
Optional Whereabouts keys (exclude, range_start, range_end) appear only when set.
*/}}
{{- define "multus-whereabouts.cniConfig" -}}
{{- $ipam := dict "type" "whereabouts" "range" .range -}}
{{- if .exclude -}}{{- $_ := set $ipam "exclude" .exclude -}}{{- end -}}
{{- if .rangeStart -}}{{- $_ := set $ipam "range_start" .rangeStart -}}{{- end -}}
{{- if .rangeEnd -}}{{- $_ := set $ipam "range_end" .rangeEnd -}}{{- end -}}
{{- $plugin := dict "type" "ipvlan" "master" .master "mode" (.mode | default "l2") "ipam" $ipam -}}
{{- dict "cniVersion" "0.3.1" "plugins" (list $plugin) | toJson -}}
{{- end -}}

{{/*
Who hands out a network's addresses: its ipam, else the default mode (whereabouts, the guide's). The one place the
chart decides it: the NetworkAttachmentDefinitions, the DaemonSet and the tests ask here.
*/}}
{{- define "multus-whereabouts.ipam" -}}
{{- .ipam | default "whereabouts" -}}
{{- end -}}

{{/*
The namespace of a network's NetworkAttachmentDefinition.
*/}}
{{- define "multus-whereabouts.networkNamespace" -}}
{{- .namespace | default "default" -}}
{{- end -}}

{{/*
An IPv4 address as a number, or the render fails naming the network and the field. Called with a dict: name (the
network), field, text.
*/}}
{{- define "multus-whereabouts.ipv4Value" -}}
{{- if not (regexMatch "^[0-9]{1,3}([.][0-9]{1,3}){3}$" .text) -}}
{{- fail (printf "networks: %s: %s %q is not an IPv4 address (a.b.c.d)" .name .field .text) -}}
{{- end -}}
{{- $value := 0 -}}
{{- range splitList "." .text -}}
{{- if gt (atoi .) 255 -}}{{- fail (printf "networks: %s: %s %q is not an IPv4 address (a.b.c.d)" $.name $.field $.text) -}}{{- end -}}
{{- $value = add (mul $value 256) (atoi .) -}}
{{- end -}}
{{- $value -}}
{{- end -}}

{{/*
An IPv4 CIDR with no host bits set, as "<first address> <size>" (numbers), or the render fails naming the network, the
field and the value. Called with a dict: name, field, text.
*/}}
{{- define "multus-whereabouts.cidrBlock" -}}
{{- $parts := splitList "/" .text -}}
{{- if or (ne (len $parts) 2) (not (regexMatch "^[0-9]{1,2}$" (last $parts))) (gt (atoi (last $parts)) 32) -}}
{{- fail (printf "networks: %s: %s %q is not an IPv4 CIDR (a.b.c.d/n)" .name .field .text) -}}
{{- end -}}
{{- $value := include "multus-whereabouts.ipv4Value" (dict "name" .name "field" .field "text" (first $parts)) | atoi -}}
{{- $prefix := atoi (last $parts) -}}
{{- $size := 1 -}}
{{- range until (sub 32 $prefix | int) -}}{{- $size = mul $size 2 -}}{{- end -}}
{{- $base := mul (div $value $size) $size -}}
{{- if ne $base $value -}}
{{- fail (printf "networks: %s: %s %q has host bits set (did you mean %d.%d.%d.%d/%d?)" .name .field .text (div $base 16777216) (mod (div $base 65536) 256) (mod (div $base 256) 256) (mod $base 256) $prefix) -}}
{{- end -}}
{{- printf "%d %d" $base $size -}}
{{- end -}}

{{/*
A network's range, checked: an IPv4 CIDR with no host bits set, every exclusion a CIDR inside it, rangeStart and
rangeEnd addresses inside it, or the render fails naming the network, the field and the value (the environment files
and the HCL module refuse the same). Whereabouts ignores bounds outside its range silently (whereabouts pkg/iphelpers
GetIPRange), so a range like 172.16.1.5/24 would hand out addresses nobody meant. Returns the range unchanged.
*/}}
{{- define "multus-whereabouts.checkedRange" -}}
{{- $range := splitList " " (include "multus-whereabouts.cidrBlock" (dict "name" .name "field" "range" "text" .range)) -}}
{{- $first := atoi (first $range) -}}
{{- $end := add $first (atoi (last $range)) -}}
{{- range $line := splitList "\n" (include "multus-whereabouts.prohibitedRanges" $) -}}
{{- $p := splitList " " $line -}}
{{- $pFirst := atoi (index $p 1) -}}
{{- if and (lt $first (add $pFirst (atoi (index $p 2)))) (lt $pFirst $end) -}}
{{- fail (printf "networks: %s: range %q overlaps %s, which GCP forbids for subnet ranges: choose a private range" $.name $.range (index $p 0)) -}}
{{- end -}}
{{- end -}}
{{- range $i, $x := .exclude | default list -}}
{{- $block := splitList " " (include "multus-whereabouts.cidrBlock" (dict "name" $.name "field" (printf "exclude[%d]" $i) "text" $x)) -}}
{{- if or (lt (atoi (first $block)) $first) (gt (add (atoi (first $block)) (atoi (last $block))) $end) -}}
{{- fail (printf "networks: %s: exclude[%d] %q is not inside range %s" $.name $i $x $.range) -}}
{{- end -}}
{{- end -}}
{{- range $field := list "rangeStart" "rangeEnd" -}}
{{- with index $ $field -}}
{{- $address := include "multus-whereabouts.ipv4Value" (dict "name" $.name "field" $field "text" .) | atoi -}}
{{- if or (lt $address $first) (ge $address $end) -}}
{{- fail (printf "networks: %s: %s %q is not inside range %s" $.name $field . $.range) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- .range -}}
{{- end -}}

{{/*
Name of a network's cross-node test Job, and of the headless Service that gives its two pods DNS names.
*/}}
{{- define "multus-whereabouts.crossNodeTestName" -}}
{{- /* values.schema.json (generated from modules/facts) keeps the name to a letter first and 45 characters, so the
Service name is DNS-1035 and the Indexed Job's pod hostnames <name>-<index> fit 63. */ -}}
{{- printf "%s-cross-node-test" .name -}}
{{- end -}}

{{/*
The pod spec of a helm test Job. Called with a dict: root (the chart's $), container (its name), script (a file
under files/, run after files/lib.sh), env (a list of env entries), affinity (optional).
*/}}
{{/*
The host folder where each node's alias block of every network is recorded (one file per network), for the
cross-node test. It holds CIDRs only: nothing secret, nothing executable.
*/}}
{{- define "multus-whereabouts.nodeBlocksDir" -}}
/var/lib/gke-multinet/node-blocks
{{- end -}}

{{- define "multus-whereabouts.testPodSpec" -}}
{{- $root := .root -}}
restartPolicy: Never
# The test reads its own interfaces and talks to its peer only (by DNS name, over eth0 and net1): no Kubernetes API access.
automountServiceAccountToken: false
securityContext:
  runAsNonRoot: true
  runAsUser: 65534
  runAsGroup: 65534
  seccompProfile:
    type: RuntimeDefault
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.tests.nodeSelector }}
# Only nodes that carry the networks' NICs can attach a test pod.
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.tests.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .subdomain }}
# hostname <job>-<index> (an Indexed Job) under this headless Service: the peer's DNS name.
subdomain: {{ . | quote }}
{{- end }}
containers:
- name: {{ .container | quote }}
  image: {{ include "multus-whereabouts.image" $root.Values.tests.image | quote }}
  {{- with $root.Values.tests.image.pullPolicy }}
  imagePullPolicy: {{ . | quote }}
  {{- end }}
  command: ["/bin/sh", "-c", {{ printf "%s\n%s" ($root.Files.Get "files/lib.sh") ($root.Files.Get .script) | quote }}]
  env:
  - name: TEST_IMAGE
    value: {{ include "multus-whereabouts.image" $root.Values.tests.image | quote }}
  - name: NODE_NAME
    valueFrom:
      fieldRef:
        fieldPath: spec.nodeName
  {{- toYaml .env | nindent 2 }}
  # A probe: unprivileged user, no capabilities, read-only root; it writes only to its scratch folder.
  securityContext:
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities:
      drop: ["ALL"]
  resources:
    requests: { cpu: 10m, memory: 16Mi }
    limits: { cpu: 100m, memory: 32Mi }
  volumeMounts:
  - name: scratch
    mountPath: /tmp
  {{- if .nodeBlocks }}
  # Read-only: the node's alias blocks as the DaemonSet recorded them (CIDRs only).
  - name: node-blocks
    mountPath: /node-blocks
    readOnly: true
  {{- end }}
volumes:
- name: scratch
  emptyDir:
    medium: Memory
    sizeLimit: 1Mi
{{- if .nodeBlocks }}
- name: node-blocks
  hostPath:
    path: {{ include "multus-whereabouts.nodeBlocksDir" $root }}
    type: DirectoryOrCreate
{{- end }}
{{- end -}}

{{/*
Annotations of every helm test hook. Finished tests stay until the next `helm test` (or ttlSecondsAfterFinished),
so their logs can be read; Helm 4 prints them itself (hook-output-log-policy), Helm 3 users read them with kubectl.
*/}}
{{- define "multus-whereabouts.testHookAnnotations" -}}
helm.sh/hook: test
helm.sh/hook-delete-policy: before-hook-creation
helm.sh/hook-output-log-policy: hook-succeeded,hook-failed
{{- end -}}

{{/*
The namespaces of the networks' attachments, as a JSON object whose keys are the namespaces (sorted, unique).
*/}}
{{- define "multus-whereabouts.networkNamespaces" -}}
{{- $namespaces := dict -}}
{{- range .Values.networks -}}
{{- $_ := set $namespaces (include "multus-whereabouts.networkNamespace" .) true -}}
{{- end -}}
{{- $namespaces | toJson -}}
{{- end -}}
