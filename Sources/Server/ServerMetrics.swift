import Foundation
import Hummingbird
import Metrics
import Prometheus

/// The server's Prometheus metrics, served at `GET /metrics` in the text exposition format: request counts and
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
        uploadedImages = registry.makeCounter(name: "cellscribe_uploaded_images_total", help: "Images stored")
        predictions = registry.makeCounter(name: "cellscribe_predictions_total", help: "Predictions computed (cache misses)")
        predictionSeconds = registry.makeDurationHistogram(
            name: "cellscribe_prediction_seconds", buckets: [.milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30)],
            help: "Time to compute one prediction with uncertainty")
        runningJobs = registry.makeGauge(name: "cellscribe_training_jobs_running", help: "Training jobs running now")
        finishedJobs = registry.makeCounter(name: "cellscribe_training_jobs_total", labels: [("outcome", "finished")], help: "Training jobs ended")
        failedJobs = registry.makeCounter(name: "cellscribe_training_jobs_total", labels: [("outcome", "failed")], help: "Training jobs ended")
        stoppedJobs = registry.makeCounter(name: "cellscribe_training_jobs_total", labels: [("outcome", "stopped")], help: "Training jobs ended")
    }

    /// Routes swift-metrics (Hummingbird's request metrics) to this registry. Once per process: the metrics
    /// system is global.
    public func bootstrap() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    func response() -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
}
