<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/**
 * Implemented by every exception the SDK throws: `catch (ExceptionInterface $e)` catches them all,
 * API errors and misuse of the SDK alike.
 */
interface ExceptionInterface extends \Throwable
{
}
