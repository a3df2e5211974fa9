<?php

declare(strict_types=1);

namespace CloudBooks;

/**
 * The tokens of a login. The refresh token rotates: every renewal hands out a new pair.
 *
 * @internal
 */
final class Session
{
    /** Renew this long before the access token expires, so a request never races expiry. */
    private const LEEWAY_SECONDS = 30.0;

    public function __construct(
        public readonly string $accessToken,
        public readonly string $refreshToken,
        /** Unix seconds (microtime) after which the access token is renewed before use. */
        public readonly float $refreshAt,
    ) {
    }

    /** @param array<mixed> $body the answer of /auth/login or /auth/refresh */
    public static function fromTokenResponse(array $body): self
    {
        $access = $body['token'] ?? null;
        $refresh = $body['refresh'] ?? null;
        if (!is_string($access) || !is_string($refresh)) {
            throw new Exception\ApiException("The API's token answer has no 'token' and 'refresh'");
        }
        $expiresIn = is_int($body['expires_in'] ?? null) ? (float) $body['expires_in'] : 0.0;

        return new self($access, $refresh, microtime(true) + $expiresIn - min(self::LEEWAY_SECONDS, $expiresIn / 2));
    }

    /** Tokens kept from earlier (e.g. in the caller's web session): the expiry is read from the JWT. */
    public static function fromTokens(string $accessToken, string $refreshToken): self
    {
        $exp = null;
        $parts = explode('.', $accessToken);
        if (count($parts) === 3) {
            $claims = json_decode((string) base64_decode(strtr($parts[1], '-_', '+/'), true), true);
            $exp = is_array($claims) && is_int($claims['exp'] ?? null) ? (float) $claims['exp'] : null;
        }

        // Without a readable expiry the token is renewed when the server first refuses it.
        return new self($accessToken, $refreshToken, $exp === null ? \INF : $exp - self::LEEWAY_SECONDS);
    }

    public function isDue(): bool
    {
        return microtime(true) >= $this->refreshAt;
    }
}
