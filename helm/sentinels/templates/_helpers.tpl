{{/* Names, labels and lists shared by the templates, as `helm create` lays them out. */}}

{{- define "sentinels.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sentinels.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sentinels.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sentinels.labels" -}}
helm.sh/chart: {{ include "sentinels.chart" . }}
app.kubernetes.io/name: {{ include "sentinels.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sentinels
{{- end }}

{{- define "sentinels.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sentinels.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The namespaces whose queues this release manages: `namespaces`, else the release's. */}}
{{- define "sentinels.namespaces" -}}
{{- $list := .Values.namespaces | default (list .Release.Namespace) | uniq -}}
{{- toJson $list -}}
{{- end }}

{{- define "sentinels.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (printf "%s-scheduler" (include "sentinels.fullname" .)) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository@digest, else repository:tag (the tag defaulting to the chart's appVersion). */}}
{{- define "sentinels.image" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .appVersion .image.tag) }}
{{- end }}
{{- end }}

{{/*
The Host headers MLflow (3.5 and later validates them against DNS rebinding) accepts: its Service's
names with and without the port, loopback and private addresses (the kubelet's probes come by pod IP),
and mlflow.allowedHosts.
*/}}
{{- define "sentinels.mlflowAllowedHosts" -}}
{{- $svc := printf "%s-mlflow" (include "sentinels.fullname" .) }}
{{- $hosts := list }}
{{- range $name := list $svc (printf "%s.%s" $svc .Release.Namespace) (printf "%s.%s.svc" $svc .Release.Namespace) (printf "%s.%s.svc.cluster.local" $svc .Release.Namespace) "localhost" "127.0.0.1" }}
{{- $hosts = append $hosts $name }}
{{- $hosts = append $hosts (printf "%s:*" $name) }}
{{- end }}
{{- $hosts = concat $hosts (list "10.*" "192.168.*") }}
{{- range $i := untilStep 16 32 1 }}
{{- $hosts = append $hosts (printf "172.%d.*" $i) }}
{{- end }}
{{- concat $hosts .Values.mlflow.allowedHosts | join "," }}
{{- end }}

{{- define "sentinels.mlflowUrl" -}}
{{- if .Values.mlflow.enabled }}
{{- printf "http://%s-mlflow.%s.svc:%d" (include "sentinels.fullname" .) .Release.Namespace (int .Values.mlflow.port) }}
{{- else }}
{{- .Values.mlflow.externalUrl }}
{{- end }}
{{- end }}

{{/* config.yaml of sentinel-config: only the keys given, so Sentinels' defaults fill the rest. */}}
{{- define "sentinels.configYaml" -}}
{{- $c := dict }}
{{- with .Values.config.priorityClasses }}{{ $_ := set $c "priorityClasses" . }}{{ end }}
{{- with .Values.config.defaultPriority }}{{ $_ := set $c "defaultPriority" . }}{{ end }}
{{- with .Values.config.queues }}{{ $_ := set $c "queues" . }}{{ end }}
{{- with .Values.config.starvationTimeout }}{{ $_ := set $c "starvationTimeout" . }}{{ end }}
{{- if $c }}{{ toYaml $c }}{{ else }}{}{{ end }}
{{- end }}

{{/* plugins.yaml: the plugins given, with the chart's (or an external) MLflow unless one is named. */}}
{{- define "sentinels.pluginsYaml" -}}
{{- $p := deepCopy (.Values.config.plugins | default dict) }}
{{- $url := include "sentinels.mlflowUrl" . }}
{{- if and $url (not (hasKey $p "mlflow")) }}
{{- $_ := set $p "mlflow" (dict "trackingUri" $url) }}
{{- end }}
{{- toYaml (dict "plugins" $p) }}
{{- end }}
