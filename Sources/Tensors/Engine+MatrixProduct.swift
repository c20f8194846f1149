import CDNNL

extension Engine {
    /// C = A·B for row-major Float32 matrices A (m×k), B (k×n), C (m×n), with oneDNN's sgemm on this engine's
    /// threads: the reference for how fast this machine multiplies (benchmarks compare convolutions with it).
    ///
    /// - Throws: `TensorsError.invalidArgument` when the buffers do not hold the given sizes.
    public func multiplyMatrices(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, into c: UnsafeMutableBufferPointer<Float>,
        m: Int, n: Int, k: Int
    ) throws {
        guard m > 0, n > 0, k > 0, a.count >= m * k, b.count >= k * n, c.count >= m * n else {
            throw TensorsError.invalidArgument(
                op: "matrix product",
                reason: "buffers of \(a.count), \(b.count), \(c.count) do not hold \(m)x\(k) · \(k)x\(n)")
        }
        let threads = Int32(threadCount)
        if omp_get_max_threads() != threads { omp_set_num_threads(threads) }
        try check(
            dnnl_sgemm(
                CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "N")), dnnl_dim_t(m), dnnl_dim_t(n), dnnl_dim_t(k), 1,
                a.baseAddress, dnnl_dim_t(k), b.baseAddress, dnnl_dim_t(n), 0, c.baseAddress, dnnl_dim_t(n)),
            "matrix product", [[m, k], [k, n]])
    }
}
