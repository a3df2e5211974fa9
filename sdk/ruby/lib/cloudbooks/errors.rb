# frozen_string_literal: true

module CloudBooks
  # The root of every error the SDK raises, so one `rescue CloudBooks::Error` catches them all.
  #
  # An error the API answered carries its envelope (`code`, `message`, `details`,
  # `request_id`) and the HTTP `status`; an APIConnectionError has no status.
  class Error < StandardError
    attr_reader :status, :code, :details, :request_id, :headers

    def initialize(message = nil, status: nil, code: nil, details: nil, request_id: nil, headers: nil)
      super(message)
      @status = status
      @code = code
      @details = (details || {}).freeze
      @request_id = request_id
      @headers = (headers || {}).freeze
    end

    # `message` is the envelope's sentence as is; the status, code and request id show here.
    def inspect
      about = [status, code].compact.join(" ")
      about += ", request #{request_id}" if request_id
      about.empty? ? "#<#{self.class.name}: #{message}>" : "#<#{self.class.name}: #{message} (#{about})>"
    end

    # The error for an HTTP answer, by status (the code is informative: the API may add codes).
    def self.from_response(status:, body:, headers:)
      envelope = body.is_a?(Hash) && body["error"].is_a?(Hash) ? body["error"] : {}
      klass = class_for_status(status)
      attributes = {
        status: status,
        code: envelope["code"],
        details: envelope["details"].is_a?(Hash) ? envelope["details"] : {},
        request_id: envelope["request_id"] || headers["x-request-id"],
        headers: headers
      }
      message = envelope["message"] || "HTTP #{status} from the CloudBooks API"
      klass.new(message, **attributes)
    end

    def self.class_for_status(status)
      case status
      when 400, 422 then InvalidRequestError
      when 401 then AuthenticationError
      when 403 then PermissionDeniedError
      when 404 then NotFoundError
      when 409 then ConflictError
      when 413 then PayloadTooLargeError
      when 415 then UnsupportedMediaTypeError
      when 429 then RateLimitError
      when 500 then InternalServerError
      when 503 then ServiceUnavailableError
      when 500..599 then APIError
      when 400..499 then InvalidRequestError
      else APIError # e.g. a redirect, which the SDK never follows
      end
    end
  end

  # 400 and 422 `invalid_request` (and any other 4xx without a class of its own):
  # `details["field"]` and `details["issue"]` name what is wrong.
  class InvalidRequestError < Error; end

  # 401 `unauthorized`: no credential, or a wrong, expired or revoked one.
  class AuthenticationError < Error; end

  # 403 `forbidden`: a read-only key on a write, or a role that does not allow the request.
  class PermissionDeniedError < Error; end

  # 404 `not_found`.
  class NotFoundError < Error; end

  # 409 `conflict`: the request contradicts the current state.
  class ConflictError < Error; end

  # 413 `payload_too_large`.
  class PayloadTooLargeError < Error; end

  # 415 `unsupported_media_type`.
  class UnsupportedMediaTypeError < Error; end

  # 429 `rate_limit_exceeded`: `retry_after` (seconds) and the plan budget's `limit`,
  # `remaining` and `reset` (Unix seconds), from the X-RateLimit-* headers or else the
  # envelope's details; nil when the answer gave none (a login limit, say).
  class RateLimitError < Error
    # Seconds to wait, from Retry-After (else details.retry_after); nil if neither is given.
    def retry_after
      RateLimit.parse_retry_after(headers["retry-after"]) || number(details["retry_after"])
    end

    def limit = number(headers["x-ratelimit-limit"] || details["limit"])
    def remaining = number(headers["x-ratelimit-remaining"])
    def reset = number(headers["x-ratelimit-reset"] || details["reset"])

    private

    def number(value)
      value.is_a?(Numeric) ? value : Integer(value.to_s, exception: false)
    end
  end

  # A 5xx answer (502 `bad_gateway`, 504 `gateway_timeout`, …) or an answer the SDK does not
  # understand (a redirect, a body that is not JSON).
  class APIError < Error; end

  # 500 `internal_error`.
  class InternalServerError < APIError; end

  # 503 `service_unavailable`.
  class ServiceUnavailableError < APIError; end

  # The API could not be reached, or did not answer in time: no status, no envelope.
  class APIConnectionError < Error; end

  # No answer within the timeout.
  class APITimeoutError < APIConnectionError; end
end
