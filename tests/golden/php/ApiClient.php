<?php

namespace Acme\Billing;

use GuzzleHttp\Client;

// A thin wrapper around the billing API.
class ApiClient
{
    private const TIMEOUT = 5.0;
    private Client $http;

    public function __construct(string $baseUri, private string $token)
    {
        $this->http = new Client(['base_uri' => $baseUri, 'timeout' => self::TIMEOUT]);
    }

    public function invoice(int $id): array
    {
        $response = $this->http->get("/invoices/{$id}", [
            'headers' => ['Authorization' => 'Bearer ' . $this->token],
        ]);
        return json_decode((string) $response->getBody(), true);
    }
}

function retry(callable $fn, int $times = 3)
{
    for ($i = 0; $i < $times; $i++) {
        try {
            return $fn();
        } catch (\Exception $e) {
            usleep(100000 * $i);
        }
    }
    throw new \RuntimeException('retries exhausted');
}
