<?php

declare(strict_types=1);

namespace CloudBooks\Model;

/**
 * The credential a request was made with (`$client->auth->whoami()->credential`):
 * an AccessTokenCredential or an ApiKeyCredential — check with `instanceof`, or `type`.
 */
abstract class Credential
{
    public function __construct(
        /** `access_token` or `api_key`. */
        public readonly string $type,
        /** The API key's id, or the login's id. */
        public readonly string $id,
        /** `read_write` or `read_only` (access tokens are read_write). */
        public readonly string $scope,
        /** When the key was created, or the login started. */
        public readonly \DateTimeImmutable $createdAt,
        /** The access token's expiry, or the key's (null: never). */
        public readonly ?\DateTimeImmutable $expiresAt,
    ) {
    }

    /** @param array<mixed> $data */
    public static function fromArray(array $data): self
    {
        return match (Data::string($data, 'type')) {
            'api_key' => ApiKeyCredential::fromArray($data),
            default => AccessTokenCredential::fromArray($data),
        };
    }
}
