<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/** 409 `conflict`: the request contradicts the current state (the last owner leaving). */
class ConflictException extends ApiException
{
}
