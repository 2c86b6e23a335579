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
