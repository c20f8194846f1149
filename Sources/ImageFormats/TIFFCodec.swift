import Foundation
import Imaging

// PLACEHOLDER: replaced by the TIFF implementation (libtiff through CImageCodecs).
enum TIFFCodec {
    static func decode(_ data: Data, source: String, limits: ReadLimits) throws -> DecodedRaster {
        throw ImageFormatsError.unsupported(source: source, format: .tiff, feature: "not implemented yet")
    }
    static func encode(_ raster: DecodedRaster, path: String) throws -> Data {
        throw ImageFormatsError.unsupported(source: path, format: .tiff, feature: "not implemented yet")
    }
}
