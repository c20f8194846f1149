extension NDArray {
    /// The array with its axes reordered: result axis `i` is source axis `order[i]`.
    func permuted(_ order: [Int]) -> NDArray {
        precondition(order.sorted() == Array(shape.indices), "\(order) is not a permutation of \(shape.indices)")
        if order == Array(shape.indices) { return self }
        let size = elementType.byteCount
        var sourceStrides = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) {
            sourceStrides[i] = sourceStrides[i + 1] * shape[i + 1]
        }
        let newShape = order.map { shape[$0] }
        let strides = order.map { sourceStrides[$0] }
        var out = [UInt8](repeating: 0, count: bytes.count)
        guard count > 0 else { return NDArray(shape: newShape, elementType: elementType, bytes: out) }
        var index = [Int](repeating: 0, count: newShape.count)
        var sourceOffset = 0
        bytes.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                for flat in 0..<count {
                    let from = sourceOffset * size
                    let to = flat * size
                    for b in 0..<size { dst[to + b] = src[from + b] }
                    // Advance the multi-index (last axis fastest) and the source offset with it.
                    var axis = newShape.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        sourceOffset += strides[axis]
                        if index[axis] < newShape[axis] { break }
                        sourceOffset -= strides[axis] * newShape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return NDArray(shape: newShape, elementType: elementType, bytes: out)
    }
}
