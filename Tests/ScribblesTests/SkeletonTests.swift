import Imaging
import Segmentation
import Testing

@Suite struct SkeletonTests {
    /// 8-connected (or 4-connected) components of `mask` (a small flood fill, independent of the code under test).
    static func componentCount(_ mask: [Bool], height: Int, width: Int, diagonals: Bool = true) -> Int {
        var seen = [Bool](repeating: false, count: mask.count)
        var count = 0
        for start in mask.indices where mask[start] && !seen[start] {
            count += 1
            var stack = [start]
            seen[start] = true
            while let i = stack.popLast() {
                let (y, x) = (i / width, i % width)
                for yy in max(0, y - 1)...min(height - 1, y + 1) {
                    for xx in max(0, x - 1)...min(width - 1, x + 1)
                    where mask[yy * width + xx] && !seen[yy * width + xx] && (diagonals || yy == y || xx == x) {
                        seen[yy * width + xx] = true
                        stack.append(yy * width + xx)
                    }
                }
            }
        }
        return count
    }

    @Test func aBarThinsToOneConnectedLineAlongItsMiddle() {
        let (height, width) = (9, 25)
        var bar = [Bool](repeating: false, count: height * width)
        for y in 2...6 { for x in 2...22 { bar[y * width + x] = true } }
        let skeleton = Skeleton.thinned(bar, height: height, width: width)
        let pixels = skeleton.indices.filter { skeleton[$0] }
        #expect(pixels.allSatisfy { bar[$0] })
        #expect(pixels.allSatisfy { (3...5).contains($0 / width) })
        #expect(pixels.count >= 15)
        #expect(Self.componentCount(skeleton, height: height, width: width) == 1)
        // One pixel thick: no skeleton pixel has skeleton pixels both above and below it.
        #expect(!pixels.contains { skeleton[$0 - width] && skeleton[$0 + width] })
    }

    @Test func aRingThinsToAClosedLoop() {
        let (height, width) = (21, 21)
        var ring = [Bool](repeating: false, count: height * width)
        for y in 0..<height {
            for x in 0..<width {
                let r = ((Double(y) - 10) * (Double(y) - 10) + (Double(x) - 10) * (Double(x) - 10)).squareRoot()
                ring[y * width + x] = r >= 4 && r <= 8
            }
        }
        let skeleton = Skeleton.thinned(ring, height: height, width: width)
        #expect(Self.componentCount(skeleton, height: height, width: width) == 1)
        // The hole survives: the background inside the 8-connected loop is not 4-connected to the outside.
        #expect(!skeleton[10 * width + 10])
        let outside = skeleton.map { !$0 }
        #expect(Self.componentCount(outside, height: height, width: width, diagonals: false) >= 2)
    }
}
