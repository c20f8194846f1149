import Imaging

/// Synthetic label images with known geometry for the metric tests.
enum Shapes {
    /// A `(height, width)` label image with each disk `(label, centerY, centerX, radius)` drawn in order
    /// (later disks overwrite earlier ones). A pixel is inside when its centre is within the radius.
    static func disks(height: Int, width: Int, _ disks: [(label: UInt32, y: Double, x: Double, r: Double)]) throws
        -> LabelImage
    {
        var labels = [UInt32](repeating: 0, count: height * width)
        for d in disks {
            for y in 0..<height {
                for x in 0..<width where inside(Double(y), Double(x), d.y, d.x, d.r) { labels[y * width + x] = d.label }
            }
        }
        return try LabelImage(shape: [height, width], labels: labels)
    }

    /// A `(depth, height, width)` label image of balls `(label, z, y, x, radius)`.
    static func balls(
        depth: Int, height: Int, width: Int, _ balls: [(label: UInt32, z: Double, y: Double, x: Double, r: Double)]
    ) throws -> LabelImage {
        var labels = [UInt32](repeating: 0, count: depth * height * width)
        for b in balls {
            for z in 0..<depth {
                for y in 0..<height {
                    for x in 0..<width {
                        let (dz, dy, dx) = (Double(z) - b.z, Double(y) - b.y, Double(x) - b.x)
                        if dz * dz + dy * dy + dx * dx <= b.r * b.r { labels[(z * height + y) * width + x] = b.label }
                    }
                }
            }
        }
        return try LabelImage(shape: [depth, height, width], labels: labels)
    }

    /// A label image with axis-aligned boxes `(label, y0, x0, height, width)`.
    static func boxes(height: Int, width: Int, _ boxes: [(label: UInt32, y: Int, x: Int, h: Int, w: Int)]) throws
        -> LabelImage
    {
        var labels = [UInt32](repeating: 0, count: height * width)
        for b in boxes {
            for y in b.y..<(b.y + b.h) {
                for x in b.x..<(b.x + b.w) { labels[y * width + x] = b.label }
            }
        }
        return try LabelImage(shape: [height, width], labels: labels)
    }

    static func inside(_ y: Double, _ x: Double, _ cy: Double, _ cx: Double, _ r: Double) -> Bool {
        (y - cy) * (y - cy) + (x - cx) * (x - cx) <= r * r
    }

    /// IoU of label `a` in `p` and label `b` in `t`, counted pixel by pixel: the reference the code under
    /// test is checked against.
    static func referenceIoU(_ p: LabelImage, _ a: UInt32, _ t: LabelImage, _ b: UInt32) -> Double {
        var both = 0
        var either = 0
        for i in p.labels.indices {
            let inP = p.labels[i] == a
            let inT = t.labels[i] == b
            if inP && inT { both += 1 }
            if inP || inT { either += 1 }
        }
        return Double(both) / Double(either)
    }

    /// Pixels of `label` in `image`.
    static func area(_ image: LabelImage, _ label: UInt32) -> Int { image.labels.filter { $0 == label }.count }
}
