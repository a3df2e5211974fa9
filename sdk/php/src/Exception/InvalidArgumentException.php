<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/**
 * The SDK was called wrongly (an unknown client option, a negative retry count): a bug in
 * the calling code, raised before any request is sent.
 */
class InvalidArgumentException extends \InvalidArgumentException implements ExceptionInterface
{
}
