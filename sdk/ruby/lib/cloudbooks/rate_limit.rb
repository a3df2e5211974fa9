# frozen_string_literal: true

require "time"

module CloudBooks
  # The hourly budget after a response of a metered plan (the X-RateLimit-* headers).
  RateLimit = Struct.new(:limit, :remaining, :reset, keyword_init: true) do
    # nil when the headers are absent: unlimited plans, or the counters are unreachable.
    def self.from_headers(headers)
      values = %w[limit remaining reset].map do |name|
        Integer(headers["x-ratelimit-#{name}"].to_s, exception: false)
      end
      return nil if values.any?(&:nil?)

      new(limit: values[0], remaining: values[1], reset: values[2]).freeze
    end

    # Seconds to wait: Retry-After is either delta-seconds or an HTTP date.
    def self.parse_retry_after(value, now: Time.now)
      return nil if value.nil? || value.strip.empty?

      seconds = Float(value.strip, exception: false)
      return [seconds, 0.0].max if seconds

      [Time.httpdate(value.strip) - now, 0.0].max
    rescue ArgumentError
      nil
    end
  end

  # What is known about the last answer the client received.
  class Response
    attr_reader :status, :headers, :request_id, :rate_limit

    def initialize(status:, headers:)
      @status = status
      @headers = headers.freeze
      @request_id = headers["x-request-id"]
      @rate_limit = RateLimit.from_headers(headers)
      freeze
    end

    # True when the server replayed a saved answer for a reused Idempotency-Key.
    def idempotent_replayed?
      headers["idempotent-replayed"] == "true"
    end
  end
end
