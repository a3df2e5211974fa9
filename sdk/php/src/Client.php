<?php

declare(strict_types=1);

namespace CloudBooks;

use CloudBooks\Exception\ApiException;
use CloudBooks\Exception\ConnectionException;
use CloudBooks\Exception\InvalidArgumentException;
use CloudBooks\Exception\TimeoutException;
use CloudBooks\Model\User;
use CloudBooks\Service\AuthService;
use CloudBooks\Service\OrganizationService;
use CloudBooks\Service\ProjectService;
use CloudBooks\Service\UserService;

/**
 * A CloudBooks API client.
 *
 *     $cb = new \CloudBooks\Client(['api_key' => 'sk_live_…']);       // or CLOUDBOOKS_API_KEY
 *     $cb = \CloudBooks\Client::login('you@example.com', 'password'); // renews its own token
 *     foreach ($cb->projects->list(['limit' => 50]) as $project) { … }
 *
 * Options (all optional):
 * - `api_key`: the credential; default: the environment variable CLOUDBOOKS_API_KEY.
 * - `base_url`: default CLOUDBOOKS_BASE_URL, else https://api.cloudbooks.com/v1.
 * - `timeout` (seconds, default 30) and `connect_timeout` (default 10): per attempt.
 * - `max_retries` (default 2; 0 turns retries off), `backoff` (first delay's ceiling, 0.5 s),
 *   `max_backoff` (30 s), `max_retry_after` (60 s: a longer Retry-After is thrown at once).
 * - `sleep`: `callable(float $seconds): void`, how the client waits between attempts.
 * - `headers`: sent with every request.
 * - `on_tokens`: `callable(string $accessToken, string $refreshToken): void`, called after a
 *   login or a renewal, to keep a login across PHP requests (see `fromTokens()`).
 */
final class Client
{
    public const VERSION = '0.1.0';
    public const DEFAULT_BASE_URL = 'https://api.cloudbooks.com/v1';

    private const OPTIONS = [
        'api_key', 'base_url', 'timeout', 'connect_timeout', 'max_retries', 'backoff',
        'max_backoff', 'max_retry_after', 'sleep', 'headers', 'on_tokens',
    ];
    private const REQUEST_OPTIONS = [
        'query', 'json', 'body', 'headers', 'idempotency_key', 'timeout', 'max_retries', 'auth',
        'rotates_token',
    ];
    /** Repeating these has the same effect as sending them once; PATCH bodies set values. */
    private const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'];
    private const RETRY_STATUSES = [429, 500, 502, 503, 504];
    private const JSON_FLAGS = \JSON_THROW_ON_ERROR | \JSON_UNESCAPED_SLASHES | \JSON_UNESCAPED_UNICODE
        | \JSON_PRESERVE_ZERO_FRACTION;
    /** Answers and failures after which the request surely did not run (a refresh may be repeated). */
    private const NOT_RUN_STATUSES = [429, 503];
    private const NOT_SENT_ERRNOS = [\CURLE_COULDNT_CONNECT, \CURLE_COULDNT_RESOLVE_HOST];

    public readonly UserService $users;
    public readonly OrganizationService $organizations;
    public readonly ProjectService $projects;
    public readonly AuthService $auth;

    private ?string $apiKey;
    private ?Session $session = null;
    private ?User $user = null;
    private readonly string $baseUrl;
    private readonly float $timeout;
    private readonly float $connectTimeout;
    private readonly int $maxRetries;
    private readonly float $backoff;
    private readonly float $maxBackoff;
    private readonly float $maxRetryAfter;
    /** @var \Closure(float): void */
    private readonly \Closure $sleep;
    /** @var array<string, string> */
    private readonly array $headers;
    /** @var (\Closure(string, string): void)|null */
    private readonly ?\Closure $onTokens;
    private ?Response $lastResponse = null;
    private ?\CurlHandle $curl = null;

    /** @param array<string, mixed> $options see the class comment */
    public function __construct(array $options = [])
    {
        $unknown = array_diff(array_keys($options), self::OPTIONS);
        if ($unknown !== []) {
            throw new InvalidArgumentException('Unknown client option(s): ' . implode(', ', $unknown));
        }
        $apiKey = array_key_exists('api_key', $options) ? $options['api_key'] : self::env('CLOUDBOOKS_API_KEY');
        if ($apiKey !== null && !is_string($apiKey)) {
            throw new InvalidArgumentException('api_key must be a string');
        }
        $this->apiKey = $apiKey === '' ? null : $apiKey;
        $baseUrl = $options['base_url'] ?? self::env('CLOUDBOOKS_BASE_URL') ?? self::DEFAULT_BASE_URL;
        if (!is_string($baseUrl) || !in_array(parse_url($baseUrl, \PHP_URL_SCHEME), ['http', 'https'], true)) {
            throw new InvalidArgumentException('base_url must be an http or https URL');
        }
        $this->baseUrl = rtrim($baseUrl, '/');
        $this->timeout = self::seconds($options, 'timeout', 30.0);
        $this->connectTimeout = self::seconds($options, 'connect_timeout', 10.0);
        $this->backoff = self::seconds($options, 'backoff', 0.5);
        $this->maxBackoff = self::seconds($options, 'max_backoff', 30.0);
        $this->maxRetryAfter = self::seconds($options, 'max_retry_after', 60.0);
        $this->maxRetries = self::retries($options['max_retries'] ?? 2);
        $sleep = $options['sleep'] ?? static function (float $seconds): void {
            usleep((int) round($seconds * 1_000_000));
        };
        if (!is_callable($sleep)) {
            throw new InvalidArgumentException('sleep must be callable');
        }
        $this->sleep = \Closure::fromCallable($sleep);
        $onTokens = $options['on_tokens'] ?? null;
        if ($onTokens !== null && !is_callable($onTokens)) {
            throw new InvalidArgumentException('on_tokens must be callable');
        }
        $this->onTokens = $onTokens === null ? null : \Closure::fromCallable($onTokens);
        $this->headers = self::headerMap($options['headers'] ?? []);

        $this->users = new UserService($this);
        $this->organizations = new OrganizationService($this);
        $this->projects = new ProjectService($this);
        $this->auth = new AuthService($this);
    }

    /**
     * A client signed in with email and password (`$options` as for the constructor).
     *
     * It keeps the refresh token and renews the 15-minute access token by itself shortly
     * before it expires, and once when the server refuses it (a 401) — then repeats the call.
     */
    public static function login(string $email, string $password, array $options = []): self
    {
        $client = new self(['api_key' => null] + $options);
        $client->auth->login($email, $password);

        return $client;
    }

    /**
     * A login kept from an earlier PHP request (its tokens saved by `on_tokens`, say).
     *
     * @param array<string, mixed> $options
     */
    public static function fromTokens(string $accessToken, string $refreshToken, array $options = []): self
    {
        $client = new self(['api_key' => null] + $options);
        $client->session = Session::fromTokens($accessToken, $refreshToken);

        return $client;
    }

    /**
     * What var_dump() and print_r() show: never the API key nor the tokens.
     *
     * @return array<string, mixed>
     */
    public function __debugInfo(): array
    {
        return [
            'baseUrl' => $this->baseUrl,
            'credential' => $this->session !== null ? 'login' : ($this->apiKey !== null ? 'api key' : 'none'),
            'user' => $this->user?->email,
            'maxRetries' => $this->maxRetries,
            'timeout' => $this->timeout,
        ];
    }

    public function __destruct()
    {
        if ($this->curl !== null) {
            curl_close($this->curl);
        }
    }

    // --- Credentials ------------------------------------------------------------------------

    /** The bearer credential sent now: a login's access token, or the API key. */
    public function getAccessToken(): ?string
    {
        return $this->session?->accessToken ?? $this->apiKey;
    }

    /** A login's refresh token (null for an API key). */
    public function getRefreshToken(): ?string
    {
        return $this->session?->refreshToken;
    }

    /** Who logged in (`Client::login()`); null for an API-key client. */
    public function getUser(): ?User
    {
        return $this->user;
    }

    public function getBaseUrl(): string
    {
        return $this->baseUrl;
    }

    /**
     * Start a login from an answer of /auth/login.
     *
     * @internal used by AuthService
     *
     * @param array<mixed> $body
     */
    public function startSession(array $body): void
    {
        $this->apiKey = null; // a login never falls back to CLOUDBOOKS_API_KEY
        $this->setSession(Session::fromTokenResponse($body));
        $this->user = is_array($body['user'] ?? null) ? User::fromArray($body['user']) : null;
    }

    /**
     * Renew the access token now with the refresh token (which rotates).
     *
     * @internal used by AuthService::refresh(); happens on its own when due
     */
    public function refreshSession(): void
    {
        $session = $this->session
            ?? throw new InvalidArgumentException('This client has no login to renew; use Client::login()');
        $response = $this->request('POST', 'auth/refresh', [
            'json' => ['refresh' => $session->refreshToken],
            'auth' => false,
            'rotates_token' => true,
        ]);
        $body = $response->json();
        $this->setSession(Session::fromTokenResponse(is_array($body) ? $body : []));
    }

    /** @internal used by AuthService::logout() */
    public function endSession(): void
    {
        $this->session = null;
        $this->user = null;
    }

    private function setSession(Session $session): void
    {
        $this->session = $session;
        if ($this->onTokens !== null) {
            ($this->onTokens)($session->accessToken, $session->refreshToken);
        }
    }

    // --- The last response ------------------------------------------------------------------

    /** The last answer received (success or error), with its headers, request id and budget. */
    public function getLastResponse(): ?Response
    {
        return $this->lastResponse;
    }

    /** The last answer's `X-Request-Id`. */
    public function getLastRequestId(): ?string
    {
        return $this->lastResponse?->requestId;
    }

    /** The budget as of the last answer; null before any call and on unlimited plans. */
    public function getRateLimit(): ?RateLimit
    {
        return $this->lastResponse?->rateLimit;
    }

    // --- Requests ---------------------------------------------------------------------------

    /**
     * Send one request (with renewal, idempotency key and retries) and return its answer;
     * an error answer is thrown as an ApiException. The resource services are built on this;
     * use it for anything they do not cover.
     *
     * `$path` is relative to the base URL (`projects`), or an absolute URL. The credential is
     * sent only to the base URL's origin (scheme, host and port): never to another host.
     *
     * Options: `query` (array), `json` (a body to encode) or `body` (a raw string), `headers`,
     * `idempotency_key` (a string, or false to send none; POSTs get a new one by default),
     * `timeout` (seconds), `max_retries`, `auth` (false: send no credential).
     *
     * @param array<string, mixed> $options
     */
    public function request(string $method, string $path, array $options = []): Response
    {
        $unknown = array_diff(array_keys($options), self::REQUEST_OPTIONS);
        if ($unknown !== []) {
            throw new InvalidArgumentException('Unknown request option(s): ' . implode(', ', $unknown));
        }
        $method = strtoupper($method);
        $url = $this->url($path, $options['query'] ?? []);
        $headers = array_replace($this->headers, self::headerMap($options['headers'] ?? []));
        $body = null;
        if (array_key_exists('json', $options)) {
            $json = $options['json'];
            // An empty PHP array is an empty JSON object here: bodies are objects.
            try {
                $body = json_encode(
                    $json === [] ? new \stdClass() : $json,
                    self::JSON_FLAGS,
                );
            } catch (\JsonException $e) {
                throw new InvalidArgumentException("The body cannot be sent as JSON: {$e->getMessage()}", 0, $e);
            }
            $headers['content-type'] ??= 'Content-Type: application/json';
        } elseif (isset($options['body'])) {
            if (!is_string($options['body'])) {
                throw new InvalidArgumentException('The body option is a string; use json for data');
            }
            $body = $options['body'];
            $headers['content-type'] ??= 'Content-Type: application/json';
        }

        $key = $options['idempotency_key'] ?? null;
        if ($method === 'POST' && $key === null) {
            $key = self::uuid4();
        }
        if ($key !== null && $key !== false) {
            if (!is_string($key)) {
                throw new InvalidArgumentException('idempotency_key must be a string, or false');
            }
            // The same key on every attempt: the server then applies the POST once.
            $headers['idempotency-key'] = "Idempotency-Key: {$key}";
        }
        $retryable = in_array($method, self::IDEMPOTENT_METHODS, true) || isset($headers['idempotency-key']);
        $maxRetries = isset($options['max_retries']) ? self::retries($options['max_retries']) : $this->maxRetries;
        $timeout = isset($options['timeout']) ? self::seconds($options, 'timeout', $this->timeout) : $this->timeout;
        $authenticated = ($options['auth'] ?? true) !== false && $this->sameOrigin($url);
        // Refresh tokens are used up by their first use and the server never replays a
        // refresh: retry one only when the server surely did not run it.
        $rotates = ($options['rotates_token'] ?? false) === true;

        $attempt = 0;
        $renewed = false;
        while (true) {
            $sent = $headers;
            $bearer = $authenticated ? $this->bearer() : null;
            if ($bearer !== null) {
                $sent['authorization'] = "Authorization: Bearer {$bearer}";
            }
            try {
                $response = $this->send($method, $url, array_values($sent), $body, $timeout);
            } catch (ConnectionException $e) {
                $safe = !$rotates || in_array($e->getCurlErrno(), self::NOT_SENT_ERRNOS, true);
                if ($retryable && $safe && $attempt < $maxRetries) {
                    ($this->sleep)($this->backoffDelay($attempt));
                    ++$attempt;
                    continue;
                }
                throw $e;
            }
            $this->lastResponse = $response;

            if ($response->status === 401 && $bearer !== null && $this->session !== null && !$renewed) {
                // Expired or revoked before our clock said so: renew once and repeat once.
                $renewed = true;
                if ($this->session->accessToken === $bearer) {
                    $this->refreshSession();
                }
                continue;
            }
            $safe = !$rotates || in_array($response->status, self::NOT_RUN_STATUSES, true);
            $retryStatus = in_array($response->status, self::RETRY_STATUSES, true);
            if ($retryable && $safe && $retryStatus && $attempt < $maxRetries) {
                $delay = $this->retryDelay($attempt, $response);
                if ($delay !== null) {
                    ($this->sleep)($delay);
                    ++$attempt;
                    continue;
                }
            }
            if ($response->status >= 400) {
                throw ApiException::fromResponse($response->status, $response->headers, $response->body);
            }

            return $response;
        }
    }

    /** A path under the base URL, its segments URL-encoded: `path('projects', $id)`. */
    public static function path(string ...$segments): string
    {
        return implode('/', array_map('rawurlencode', $segments));
    }

    /** The credential for the next request, renewing a login's token first if it is due. */
    private function bearer(): ?string
    {
        if ($this->session !== null && $this->session->isDue()) {
            $this->refreshSession();
        }

        return $this->getAccessToken();
    }

    /** @param mixed $query */
    private function url(string $path, mixed $query): string
    {
        $url = preg_match('#^https?://#i', $path) === 1 ? $path : $this->baseUrl . '/' . ltrim($path, '/');
        if (!is_array($query)) {
            throw new InvalidArgumentException('The query option is an array');
        }
        $query = array_filter($query, static fn (mixed $value): bool => $value !== null);
        if ($query !== []) {
            $url .= (str_contains($url, '?') ? '&' : '?') . http_build_query($query, '', '&', \PHP_QUERY_RFC3986);
        }

        return $url;
    }

    /** Same scheme, host and port as the base URL: the only origin that gets the credential. */
    private function sameOrigin(string $url): bool
    {
        $origin = static function (string $url): ?string {
            $parts = parse_url($url);
            if (!is_array($parts) || !isset($parts['scheme'], $parts['host'])) {
                return null;
            }
            $scheme = strtolower($parts['scheme']);
            $port = $parts['port'] ?? ($scheme === 'https' ? 443 : 80);

            return $scheme . '://' . strtolower($parts['host']) . ':' . $port;
        };
        $mine = $origin($this->baseUrl);

        return $mine !== null && $origin($url) === $mine;
    }

    /** "Equal jitter": half of the exponential ceiling fixed, half random. */
    private function backoffDelay(int $attempt): float
    {
        $ceiling = min($this->maxBackoff, $this->backoff * 2 ** $attempt);

        return $ceiling / 2 + (mt_rand() / mt_getrandmax()) * $ceiling / 2;
    }

    /** How long to wait before the next attempt, or null to give up now. */
    private function retryDelay(int $attempt, Response $response): ?float
    {
        $retryAfter = RateLimit::parseRetryAfter($response->header('Retry-After'));
        if ($retryAfter === null) {
            return $this->backoffDelay($attempt);
        }
        if ($retryAfter > $this->maxRetryAfter) {
            return null; // an hourly budget spent, say: waiting that long is the caller's call
        }

        return $retryAfter;
    }

    /**
     * One attempt over libcurl. Redirects are never followed (the credential stays home).
     *
     * @param list<string> $headers
     */
    private function send(string $method, string $url, array $headers, ?string $body, float $timeout): Response
    {
        $curl = $this->curl ??= curl_init();
        curl_reset($curl); // keeps the connection for the next request
        $received = [];
        $headers[] = 'Expect:'; // no "100 Continue" round trip before a body
        curl_setopt_array($curl, [
            \CURLOPT_URL => $url,
            \CURLOPT_CUSTOMREQUEST => $method,
            \CURLOPT_RETURNTRANSFER => true,
            \CURLOPT_FOLLOWLOCATION => false,
            \CURLOPT_PROTOCOLS => \CURLPROTO_HTTP | \CURLPROTO_HTTPS,
            \CURLOPT_HTTPHEADER => $headers,
            \CURLOPT_TIMEOUT_MS => max(1, (int) round($timeout * 1000)),
            \CURLOPT_CONNECTTIMEOUT_MS => max(1, (int) round(min($this->connectTimeout, $timeout) * 1000)),
            \CURLOPT_NOBODY => $method === 'HEAD',
            \CURLOPT_HEADERFUNCTION => static function ($curl, string $line) use (&$received): int {
                if (str_starts_with($line, 'HTTP/')) {
                    $received = []; // a new status line: an interim answer came first
                } elseif (str_contains($line, ':')) {
                    [$name, $value] = explode(':', $line, 2);
                    $received[strtolower(trim($name))][] = trim($value);
                }

                return strlen($line);
            },
        ]);
        if ($body !== null) {
            curl_setopt($curl, \CURLOPT_POSTFIELDS, $body);
        }
        $content = curl_exec($curl);
        if (!is_string($content)) {
            $errno = curl_errno($curl);
            $error = curl_error($curl);
            $what = "{$method} {$url}: {$error}";
            if ($errno === \CURLE_OPERATION_TIMEDOUT) {
                throw new TimeoutException("No answer in time from the CloudBooks API ({$what})", $errno);
            }
            throw new ConnectionException("Could not reach the CloudBooks API ({$what})", $errno);
        }

        /** @var array<string, list<string>> $received */
        return new Response((int) curl_getinfo($curl, \CURLINFO_RESPONSE_CODE), $received, $content);
    }

    // --- Option parsing ---------------------------------------------------------------------

    /**
     * Headers by lower-case name, each as the full "Name: value" line libcurl takes.
     *
     * @return array<string, string>
     */
    private static function headerMap(mixed $headers): array
    {
        if (!is_array($headers)) {
            throw new InvalidArgumentException('headers is an array of name => value');
        }
        $map = [
            'accept' => 'Accept: application/json',
            'user-agent' => sprintf('User-Agent: cloudbooks-php/%s PHP/%s', self::VERSION, \PHP_VERSION),
        ];
        foreach ($headers as $name => $value) {
            if (!is_string($name) || !is_scalar($value) || preg_match('/[\r\n]/', $name . $value) === 1) {
                throw new InvalidArgumentException('headers is an array of name => value, on one line each');
            }
            $map[strtolower($name)] = "{$name}: {$value}";
        }

        return $map;
    }

    /** @param array<string, mixed> $options */
    private static function seconds(array $options, string $name, float $default): float
    {
        $value = $options[$name] ?? $default;
        if (!is_int($value) && !is_float($value) || $value < 0) {
            throw new InvalidArgumentException("{$name} is a number of seconds, 0 or more");
        }

        return (float) $value;
    }

    private static function retries(mixed $value): int
    {
        if (!is_int($value) || $value < 0) {
            throw new InvalidArgumentException('max_retries is an integer, 0 or more');
        }

        return $value;
    }

    private static function env(string $name): ?string
    {
        $value = getenv($name);

        return is_string($value) && $value !== '' ? $value : null;
    }

    private static function uuid4(): string
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr(ord($bytes[6]) & 0x0F | 0x40);
        $bytes[8] = chr(ord($bytes[8]) & 0x3F | 0x80);

        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }
}
