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

{{/* The Elasticsearch of the jobs' logs: logs.elasticsearch.url, else the chart's own, else none. */}}
{{- define "sentinels.elasticsearchUrl" -}}
{{- if .Values.logs.elasticsearch.url }}
{{- .Values.logs.elasticsearch.url }}
{{- else if .Values.elasticsearch.enabled }}
{{- printf "http://%s-elasticsearch.%s.svc:%d" (include "sentinels.fullname" .) .Release.Namespace (int .Values.elasticsearch.port) }}
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

{{/*
plugins.yaml: the plugins given, with the chart's (or an external) MLflow unless one is named, and
the Elasticsearch of logs.elasticsearch (what the shipper writes to) unless one is named.
*/}}
{{- define "sentinels.pluginsYaml" -}}
{{- $p := deepCopy (.Values.config.plugins | default dict) }}
{{- $url := include "sentinels.mlflowUrl" . }}
{{- if and $url (not (hasKey $p "mlflow")) }}
{{- $_ := set $p "mlflow" (dict "trackingUri" $url) }}
{{- end }}
{{- $es := .Values.logs.elasticsearch }}
{{- $esUrl := include "sentinels.elasticsearchUrl" . }}
{{- if and $esUrl $es.configurePlugin (not (hasKey $p "elasticsearch")) }}
{{- $e := dict "url" $esUrl }}
{{- with $es.username }}{{ $_ := set $e "username" . }}{{ end }}
{{- with $es.passwordSecretRef }}{{ $_ := set $e "password" (dict "secretRef" (dict "name" .name "key" .key)) }}{{ end }}
{{- with $es.apiKeySecretRef }}{{ $_ := set $e "apiKey" (dict "secretRef" (dict "name" .name "key" .key)) }}{{ end }}
{{- $_ := set $p "elasticsearch" $e }}
{{- end }}
{{- toYaml (dict "plugins" $p) }}
{{- end }}

{{/*
The log shipper's OpenTelemetry Collector configuration. Each line of a job's pod becomes a document
of data stream logs-sentinels-<namespace> with the fields the elasticsearch plugin reads:
  body (the CRI line, partial lines joined)  -> message
  the CRI time stamp (nanoseconds)           -> @timestamp
  label sentinels.dev/job-id                 -> sentinels.job_id
  label sentinels.dev/project                -> sentinels.project
  log.file.record_offset                     -> log.offset (the line's byte offset in its file)
  the pod's namespace                        -> data_stream.namespace (dataset sentinels, type logs)
Lines of other pods are dropped. Read offsets and unsent lines live in file_storage on the node.
*/}}
{{- define "sentinels.shipperConfig" -}}
{{- $es := .Values.logs.elasticsearch -}}
{{- $shipper := .Values.logs.shipper -}}
extensions:
  health_check:
    endpoint: ${env:POD_IP}:13133
  file_storage:
    directory: /var/lib/otelcol
    create_directory: true
receivers:
  filelog:
    # Jobs' pods are named sentinel-<id>-<suffix>: the label decides, the path spares reading others.
    include: [/var/log/pods/*_sentinel-*_*/*/*.log]
    start_at: beginning
    include_file_path: true
    include_file_record_offset: true
    storage: file_storage
    operators:
      # The container runtime's format (CRI: time, stream, P/F flag, text; or Docker's JSON),
      # partial lines joined, and the pod's namespace, name, uid and container from the path.
      - type: container
        id: container-parser
        add_metadata_from_filepath: true
processors:
  k8sattributes:
    auth_type: serviceAccount
    wait_for_metadata: true
    filter:
      node_from_env_var: K8S_NODE_NAME
    pod_association:
      - sources: [{from: resource_attribute, name: k8s.pod.uid}]
    extract:
      metadata: [k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.node.name]
      labels:
        - {tag_name: sentinels.job_id, key: sentinels.dev/job-id, from: pod}
        - {tag_name: sentinels.project, key: sentinels.dev/project, from: pod}
  filter/jobs:
    error_mode: ignore
    logs:
      log_record:
        - resource.attributes["sentinels.job_id"] == nil
  transform/sentinels:
    error_mode: ignore
    log_statements:
      - context: resource
        statements:
          - set(attributes["data_stream.type"], "logs")
          - set(attributes["data_stream.dataset"], "sentinels")
          - set(attributes["data_stream.namespace"], attributes["k8s.namespace.name"])
      - context: scope
        statements:
          - set(attributes["elastic.mapping.mode"], "ecs")
      - context: log
        statements:
          - set(attributes["log.offset"], attributes["log.file.record_offset"])
          - delete_key(attributes, "log.file.record_offset")
          - delete_key(attributes, "logtag")
exporters:
  elasticsearch:
    endpoints: [{{ include "sentinels.elasticsearchUrl" . | quote }}]
    mapping:
      allowed_modes: [ecs]
    {{- if $es.username }}
    user: {{ $es.username | quote }}
    {{- end }}
    {{- if $es.passwordSecretRef }}
    password: ${env:ES_PASSWORD}
    {{- end }}
    {{- if $es.apiKeySecretRef }}
    api_key: ${env:ES_API_KEY}
    {{- end }}
    {{- if or $es.caSecretRef $es.tlsServerName }}
    tls:
      {{- if $es.caSecretRef }}
      ca_file: /etc/otelcol-es-ca/ca.crt
      {{- end }}
      {{- with $es.tlsServerName }}
      server_name_override: {{ . | quote }}
      {{- end }}
    {{- end }}
    retry:
      enabled: true
    # Batches wait on the node's disk until Elasticsearch took them: a restart resends, loses nothing.
    sending_queue:
      enabled: true
      storage: file_storage
      num_consumers: 1
      batch:
        flush_timeout: {{ $shipper.flushInterval }}
        sizer: bytes
        min_size: 1000000
        max_size: 5000000
service:
  extensions: [health_check, file_storage]
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [filelog]
      processors: [k8sattributes, filter/jobs, transform/sentinels]
      exporters: [elasticsearch]
{{- end }}

{{/*
The alert rules on Sentinels' own metrics (docs/metrics.md), as a rule file's `groups:`; each
threshold is a value under `alerts`. Annotations are JSON strings: they hold Prometheus' own
`{{ $labels.x }}` templates, which plain YAML would take for mappings. Tested by promtool in
AlertRulesTest.
*/}}
{{- define "sentinels.alertRules" -}}
{{- $a := .Values.alerts -}}
{{- $labels := merge (dict) $a.labels (dict "severity" "warning") | toJson -}}
{{- $capacityShare := mulf $a.capacity.share 100 -}}
{{- $failureShare := mulf $a.failureRate.share 100 -}}
groups:
  - name: sentinels
    rules:
      - alert: SentinelsJobsWaitingTooLong
        expr: max by (namespace, queue) (sentinels_queue_oldest_queued_seconds) > {{ $a.queueWait.seconds }}
        for: {{ $a.queueWait.for }}
        labels: {{ $labels }}
        annotations:
          summary: {{ `Jobs in {{ $labels.namespace }}/{{ $labels.queue }} have waited {{ $value | humanizeDuration }}` | toJson }}
          description: {{ `The longest-waiting job in queue {{ $labels.queue }} of {{ $labels.namespace }} has been queued for {{ $value | humanizeDuration }}. sentinel queue -n {{ $labels.namespace }} says why; add nodes or raise the queue's quota.` | toJson }}
      - alert: SentinelsCapacityNearlyFull
        expr: |
          sentinels_capacity_requested{resource=~"cpu|gpu"}
            / (sentinels_capacity_allocatable{resource=~"cpu|gpu"} > 0) > {{ $a.capacity.share }}
        for: {{ $a.capacity.for }}
        labels: {{ $labels }}
        annotations:
          summary: {{ `{{ $value | humanizePercentage }} of the cluster's {{ $labels.resource }} is requested` | toJson }}
          description: {{ print "Requests on accepting nodes are above " $capacityShare "% of their {{ $labels.resource }}, so new jobs wait. Add nodes, or see sentinel nodes." | toJson }}
      - alert: SentinelsNoAdmitter
        expr: max by (namespace) (sentinels_scheduler_lease_held) == 0
        for: {{ $a.noAdmitter.for }}
        labels: {{ $labels }}
        annotations:
          summary: {{ `No scheduler admits jobs in {{ $labels.namespace }}` | toJson }}
          description: {{ `Every scheduler of {{ $labels.namespace }} stands by while something else holds the admission lease, so jobs are admitted only when a command runs.` | toJson }}
      - alert: SentinelsSchedulerAbsent
        expr: absent(sentinels_scheduler_lease_held)
        for: {{ $a.noAdmitter.for }}
        labels: {{ $labels }}
        annotations:
          summary: "No Sentinels scheduler reports metrics"
          description: "Prometheus has no scheduler's metrics: none runs, or none is scraped. Jobs are admitted only when a command runs."
      - alert: SentinelsJobFailureRateHigh
        expr: |
          (
            sum by (namespace, queue) (increase(sentinels_jobs_finished_total{state="failed"}[{{ $a.failureRate.window }}]))
              / sum by (namespace, queue) (increase(sentinels_jobs_finished_total[{{ $a.failureRate.window }}]))
          ) > {{ $a.failureRate.share }}
          and sum by (namespace, queue) (increase(sentinels_jobs_finished_total[{{ $a.failureRate.window }}])) >= {{ $a.failureRate.minJobs }}
        labels: {{ $labels }}
        annotations:
          summary: {{ `{{ $value | humanizePercentage }} of the jobs in {{ $labels.namespace }}/{{ $labels.queue }} failed` | toJson }}
          description: {{ print "More than " $failureShare "% of the jobs that ended in queue {{ $labels.queue }} of {{ $labels.namespace }} in the last " $a.failureRate.window " failed; sentinel history -n {{ $labels.namespace }} lists them." | toJson }}
      - alert: SentinelsPluginDeliveriesFailing
        expr: sum by (plugin, kind) (increase(sentinels_plugin_delivery_failures_total[{{ $a.pluginFailures.window }}])) > {{ $a.pluginFailures.count }}
        labels: {{ $labels }}
        annotations:
          summary: {{ `Deliveries to {{ $labels.plugin }} ({{ $labels.kind }}) keep failing` | toJson }}
          description: {{ print "{{ $value }} calls to {{ $labels.plugin }} failed in the last " $a.pluginFailures.window "; the scheduler's log says why. Each is retried with backoff." | toJson }}
{{- end }}
