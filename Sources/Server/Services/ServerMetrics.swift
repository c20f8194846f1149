import Foundation
import Metrics
import Prometheus

/// The server's Prometheus metrics, served at `GET /metrics` in the text exposition format (`response()` in HTTP/): request counts and
/// durations by route (Hummingbird's metrics middleware, once `bootstrap` has run), and CellScribe's own:
/// uploads, predictions and their duration, training jobs by outcome, the jobs running now.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let uploadedImages: Prometheus.Counter
    let predictions: Prometheus.Counter
    let predictionSeconds: DurationHistogram
    let runningJobs: Prometheus.Gauge
    let finishedJobs: Prometheus.Counter
    let failedJobs: Prometheus.Counter
    let stoppedJobs: Prometheus.Counter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "cellscribe", metricName: metric, unitName: unit, helpText: help)
        }
        uploadedImages = registry.makeCounter(descriptor: name("uploaded_images", "total", "Images stored"))
        predictions = registry.makeCounter(
            descriptor: name("predictions", "total", "Predictions computed (cache misses)"))
        predictionSeconds = registry.makeDurationHistogram(
            descriptor: name("prediction", "seconds", "Time to compute one prediction with uncertainty"),
            buckets: [.milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30)])
        runningJobs = registry.makeGauge(descriptor: name("training_jobs_running", "", "Training jobs running now"))
        let ended = name("training_jobs", "total", "Training jobs ended, by outcome")
        finishedJobs = registry.makeCounter(descriptor: ended, labels: [("outcome", "finished")])
        failedJobs = registry.makeCounter(descriptor: ended, labels: [("outcome", "failed")])
        stoppedJobs = registry.makeCounter(descriptor: ended, labels: [("outcome", "stopped")])
    }

    /// Routes swift-metrics (Hummingbird's request metrics) to this registry. Once per process: the metrics
    /// system is global.
    public func bootstrap() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }
}
