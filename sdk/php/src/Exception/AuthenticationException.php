<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/** 401 `unauthorized`: the credential is missing, malformed, expired or revoked. */
class AuthenticationException extends ApiException
{
}
