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
app.kubernetes.io/name: {{ include "multus-whereabouts.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: gke-multinet
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
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
The namespace of a network's NetworkAttachmentDefinition.
*/}}
{{- define "multus-whereabouts.networkNamespace" -}}
{{- .namespace | default "default" -}}
{{- end -}}

{{/*
The two addresses of a network's range reserved for the cross-node helm test, as "a b": the last two Whereabouts
could hand out (it never hands out a range's network and broadcast addresses: whereabouts pkg/iphelpers
GetIPRange), i.e. broadcast - 2 and broadcast - 1. Same rule as reservedTestAddresses() in
stacks/environment/plan.ts; a chart test proves the two agree.
*/}}
{{- define "multus-whereabouts.testAddresses" -}}
{{- $parts := splitList "/" .range -}}
{{- $base := 0 -}}
{{- range splitList "." (first $parts) -}}
{{- $base = add (mul $base 256) (atoi .) -}}
{{- end -}}
{{- $size := 1 -}}
{{- range until (sub 32 (atoi (last $parts)) | int) -}}
{{- $size = mul $size 2 -}}
{{- end -}}
{{- $broadcast := sub (add $base $size) 1 -}}
{{- $addresses := list -}}
{{- range list 2 1 -}}
{{- $n := sub $broadcast . -}}
{{- $addresses = append $addresses (printf "%d.%d.%d.%d" (div $n 16777216) (mod (div $n 65536) 256) (mod (div $n 256) 256) (mod $n 256)) -}}
{{- end -}}
{{- join " " $addresses -}}
{{- end -}}

{{/*
What the network's own attachment never hands out: the user's exclusions and the two test addresses (as /32s).
*/}}
{{- define "multus-whereabouts.effectiveExclude" -}}
{{- $reserved := list -}}
{{- range splitList " " (include "multus-whereabouts.testAddresses" .) -}}
{{- $reserved = append $reserved (printf "%s/32" .) -}}
{{- end -}}
{{- concat (.exclude | default list) $reserved | toJson -}}
{{- end -}}

{{/*
Name of a network's test attachment (and of its cross-node test Job).
*/}}
{{- define "multus-whereabouts.testAttachmentName" -}}
{{- printf "%s-cross-node-test" .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The pod spec of a helm test Job. Called with a dict: root (the chart's $), container (its name), script (a file
under files/, run after files/lib.sh), env (a list of env entries), affinity (optional).
*/}}
{{- define "multus-whereabouts.testPodSpec" -}}
{{- $root := .root -}}
restartPolicy: Never
# The test reads its own interfaces and talks to its peer only: no Kubernetes API access.
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
containers:
- name: {{ .container }}
  image: {{ include "multus-whereabouts.image" $root.Values.tests.image }}
  {{- with $root.Values.tests.image.pullPolicy }}
  imagePullPolicy: {{ . }}
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
volumes:
- name: scratch
  emptyDir:
    medium: Memory
    sizeLimit: 1Mi
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
