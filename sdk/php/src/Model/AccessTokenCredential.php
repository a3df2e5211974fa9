<?php

declare(strict_types=1);

namespace CloudBooks\Model;

/** An access token from a login (`Client::login()`). */
final class AccessTokenCredential extends Credential
{
    /** @param array<mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            type: Data::string($data, 'type'),
            id: Data::string($data, 'id'),
            scope: Data::string($data, 'scope'),
            createdAt: Data::dateTime($data, 'created_at'),
            expiresAt: Data::dateTimeOrNull($data, 'expires_at'),
        );
    }
}
