extension UNet {
    /// Floating-point operations of the network's convolutions (transposed ones included; normalisation, pooling
    /// and resampling are negligible beside them and not counted) on an input of `inputShape` (N, C, [D,] H, W),
    /// counting a multiply-add as 2 and using the direct-convolution count (Winograd does fewer multiplications
    /// for the same result, so throughput measured against this count can exceed a plain matrix product's).
    ///
    /// - Parameter training: forward, data gradient and weight gradient of every convolution (the first layer
    ///   needs no data gradient) instead of the forward pass alone.
    public func convolutionFlops(inputShape: [Int], training: Bool) -> Double {
        let spatial = Array(inputShape.dropFirst(2))
        let batch = Double(inputShape[0])
        func voxels(level: Int) -> Double { spatial.map { Double($0 >> level) }.reduce(1, *) }
        func convolution(_ layer: ConvolutionLayer, level: Int) -> Double {
            2 * Double(layer.weight.elementCount) * voxels(level: level) * batch
        }
        var forward =
            convolution(input.first, level: 0) + convolution(input.second, level: 0) + convolution(head, level: 0)
        for (index, block) in down.enumerated() {
            forward += convolution(block.first, level: index + 1) + convolution(block.second, level: index + 1)
        }
        for (index, block) in up.enumerated() {
            let level = up.count - 1 - index
            forward += convolution(block.first, level: level) + convolution(block.second, level: level)
            // Every coarse input pixel meets every weight once (stride = kernel).
            if !upconvs.isEmpty {
                forward += 2 * Double(upconvs[index].weight.elementCount) * voxels(level: level + 1) * batch
            }
        }
        return training ? 3 * forward - convolution(input.first, level: 0) : forward
    }
}
