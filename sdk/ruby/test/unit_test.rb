# frozen_string_literal: true

$LOAD_PATH.unshift(File.expand_path("../lib", __dir__))
require "minitest/autorun"
require "cloudbooks"

# The parts that need no server: the error map, headers, models.
class UnitTest < Minitest::Test
  def test_every_status_maps_to_its_error_class_under_one_root
    {
      400 => CloudBooks::InvalidRequestError, 422 => CloudBooks::InvalidRequestError,
      401 => CloudBooks::AuthenticationError, 403 => CloudBooks::PermissionDeniedError,
      404 => CloudBooks::NotFoundError, 405 => CloudBooks::InvalidRequestError,
      409 => CloudBooks::ConflictError, 413 => CloudBooks::PayloadTooLargeError,
      415 => CloudBooks::UnsupportedMediaTypeError, 429 => CloudBooks::RateLimitError,
      500 => CloudBooks::InternalServerError, 502 => CloudBooks::APIError,
      503 => CloudBooks::ServiceUnavailableError, 504 => CloudBooks::APIError, 302 => CloudBooks::APIError
    }.each do |status, klass|
      assert_equal klass, CloudBooks::Error.class_for_status(status), status
      assert_operator klass, :<, CloudBooks::Error
    end
    assert_operator CloudBooks::Error, :<, StandardError
    assert_operator CloudBooks::APITimeoutError, :<, CloudBooks::APIConnectionError
  end

  def test_a_budget_429_carries_the_budget
    reset = Time.now.to_i + 600
    error = CloudBooks::Error.from_response(
      status: 429,
      body: {"error" => {"code" => "rate_limit_exceeded", "message" => "Rate limit exceeded",
                         "details" => {"plan" => "free", "limit" => 1000, "reset" => reset},
                         "request_id" => "req_1"}},
      headers: {"retry-after" => "600", "x-ratelimit-limit" => "1000", "x-ratelimit-remaining" => "0",
                "x-ratelimit-reset" => reset.to_s, "x-request-id" => "req_1"}
    )
    assert_instance_of CloudBooks::RateLimitError, error
    assert_equal [600.0, 1000, 0, reset], [error.retry_after, error.limit, error.remaining, error.reset]
    assert_equal "req_1", error.request_id
    assert_equal "Rate limit exceeded", error.message
  end

  def test_an_error_without_an_envelope_still_has_its_status
    error = CloudBooks::Error.from_response(status: 502, body: nil, headers: {"x-request-id" => "req_2"})
    assert_instance_of CloudBooks::APIError, error
    assert_equal [502, nil, {}, "req_2"], [error.status, error.code, error.details, error.request_id]
    assert_equal "HTTP 502 from the CloudBooks API", error.message
    assert_equal "#<CloudBooks::APIError: HTTP 502 from the CloudBooks API (502, request req_2)>", error.inspect
  end

  def test_unlimited_plans_have_no_rate_limit_state
    assert_nil CloudBooks::RateLimit.from_headers({})
    state = CloudBooks::RateLimit.from_headers("x-ratelimit-limit" => "10", "x-ratelimit-remaining" => "9",
                                               "x-ratelimit-reset" => "99")
    assert_equal [10, 9, 99], [state.limit, state.remaining, state.reset]
  end

  def test_retry_after_is_seconds_or_an_http_date
    now = Time.now
    assert_equal 3.0, CloudBooks::RateLimit.parse_retry_after("3")
    assert_in_delta 120.0, CloudBooks::RateLimit.parse_retry_after((now + 120).httpdate, now: now), 1.0
    assert_nil CloudBooks::RateLimit.parse_retry_after("soon")
    assert_nil CloudBooks::RateLimit.parse_retry_after(nil)
  end

  def test_models_are_frozen_and_ignore_unknown_fields
    created = Time.now.utc
    project = CloudBooks::Project.from_json(
      "id" => "p1", "organization" => "o1", "name" => "Q3", "description" => "", "created_by" => nil,
      "created_at" => created.iso8601(6), "updated_at" => nil, "added_later" => true
    )
    assert project.frozen?
    assert project.name.frozen?
    assert_in_delta created, project.created_at, 0.001
    refute_respond_to project, :added_later
    refute_respond_to project, :name=
    assert_equal project, CloudBooks::Project.from_json(project.to_h.transform_keys(&:to_s).merge(
                                                          "created_at" => created.iso8601(6)
                                                        ))
  end

  def test_a_client_needs_an_http_base_url
    assert_raises(ArgumentError) { CloudBooks::Client.new(api_key: "k", base_url: "ftp://example.com") }
    assert_raises(ArgumentError) { CloudBooks::Client.new(api_key: "k", max_retries: -1) }
  end
end
