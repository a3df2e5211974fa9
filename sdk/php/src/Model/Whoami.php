<?php

declare(strict_types=1);

namespace CloudBooks\Model;

/** `$client->auth->whoami()`: who is calling, with which credential, and the budget left. */
final class Whoami
{
    public function __construct(
        public readonly User $user,
        public readonly Credential $credential,
        public readonly PlanBudget $rateLimit,
    ) {
    }

    /** @param array<mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            user: User::fromArray(Data::object($data, 'user')),
            credential: Credential::fromArray(Data::object($data, 'credential')),
            rateLimit: PlanBudget::fromArray(Data::object($data, 'rate_limit')),
        );
    }
}
