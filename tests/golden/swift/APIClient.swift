import Foundation

// Fetches JSON from the backend.
struct APIError: Error {
    let status: Int
}

final class APIClient {
    private let baseURL: URL
    private let session: URLSession

    init(baseURL: URL, session: URLSession = .shared) {
        self.baseURL = baseURL
        self.session = session
    }

    func fetch<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        let url = baseURL.appendingPathComponent(path)
        let (data, response) = try await session.data(from: url)
        guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
            throw APIError(status: 500)
        }
        return try JSONDecoder().decode(T.self, from: data)
    }
}

protocol Cache {
    func get(_ key: String) -> Data?
}

func describe(_ client: APIClient) -> String { "client for \(client)" }
