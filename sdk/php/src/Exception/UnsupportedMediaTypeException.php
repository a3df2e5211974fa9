<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/** 415 `unsupported_media_type`: a body in a format the API does not take. */
class UnsupportedMediaTypeException extends ApiException
{
}
