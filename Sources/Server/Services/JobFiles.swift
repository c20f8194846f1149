import Storage

/// Where a training job's files live in the data folder (its work folder is `JobRecord.workPath`).
enum JobFiles {
    /// The job's best model so far: what its trainer writes and what `job:<id>` predictions read.
    static func model(of job: JobRecord) -> String { "\(job.workPath)/model.safetensors" }
}
