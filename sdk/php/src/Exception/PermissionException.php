<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/** 403 `forbidden`: a good credential that may not do this (a read-only key writing, a role). */
class PermissionException extends ApiException
{
}
