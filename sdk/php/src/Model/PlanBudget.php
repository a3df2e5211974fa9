<?php

declare(strict_types=1);

namespace CloudBooks\Model;

/** `whoami`'s `rate_limit`: the plan and its budget after that request (null: unlimited). */
final class PlanBudget
{
    public function __construct(
        public readonly string $plan,
        public readonly ?int $limit,
        public readonly ?int $remaining,
        /** Unix seconds when the budget renews. */
        public readonly ?int $reset,
    ) {
    }

    /** @param array<mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            plan: Data::string($data, 'plan'),
            limit: Data::intOrNull($data, 'limit'),
            remaining: Data::intOrNull($data, 'remaining'),
            reset: Data::intOrNull($data, 'reset'),
        );
    }
}
