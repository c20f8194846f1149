import Basics
import Tensors

/// A smooth random in-plane displacement (elastic deformation): normal random offsets at control points on a
/// coarse grid, interpolated bilinearly to every pixel. Offsets are in pixels.
struct DisplacementField: Sendable {
    let height: Int
    let width: Int
    /// Per-pixel offsets, row-major `(height, width)`.
    private let dy: [Float]
    private let dx: [Float]

    init(height: Int, width: Int, spacing: Int, magnitude: Float, generator: inout RandomGenerator) {
        self.height = height
        self.width = width
        let (gridHeight, gridWidth) = ((height - 1) / spacing + 2, (width - 1) / spacing + 2)
        let coarseY = (0..<(gridHeight * gridWidth)).map { _ in generator.nextNormal() * magnitude }
        let coarseX = (0..<(gridHeight * gridWidth)).map { _ in generator.nextNormal() * magnitude }
        func interpolate(_ grid: [Float]) -> [Float] {
            var field = [Float](repeating: 0, count: height * width)
            for y in 0..<height {
                let gy = Float(y) / Float(spacing)
                let (y0, ty) = (Int(gy), gy - Float(Int(gy)))
                for x in 0..<width {
                    let gx = Float(x) / Float(spacing)
                    let (x0, tx) = (Int(gx), gx - Float(Int(gx)))
                    let top = grid[y0 * gridWidth + x0] * (1 - tx) + grid[y0 * gridWidth + x0 + 1] * tx
                    let bottom = grid[(y0 + 1) * gridWidth + x0] * (1 - tx) + grid[(y0 + 1) * gridWidth + x0 + 1] * tx
                    field[y * width + x] = top * (1 - ty) + bottom * ty
                }
            }
            return field
        }
        dy = interpolate(coarseY)
        dx = interpolate(coarseX)
    }

    /// The offset (pixels) at patch pixel (y, x).
    func offset(y: Int, x: Int) -> (y: Float, x: Float) { (dy[y * width + x], dx[y * width + x]) }
}
