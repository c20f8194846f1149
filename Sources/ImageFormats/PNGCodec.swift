import Foundation
import Imaging

// PLACEHOLDER: replaced by the PNG implementation (libpng through CImageCodecs).
enum PNGCodec {
    static func decode(_ data: Data, source: String, limits: ReadLimits) throws -> DecodedRaster {
        throw ImageFormatsError.unsupported(source: source, format: .png, feature: "not implemented yet")
    }
    static func encode(_ raster: DecodedRaster, path: String) throws -> Data {
        throw ImageFormatsError.unsupported(source: path, format: .png, feature: "not implemented yet")
    }
}
