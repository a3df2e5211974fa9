# frozen_string_literal: true

require_relative "test_helper"

# One error hierarchy, every status the API answers: SCENARIO S17–S26.
class ErrorsTest < ScenarioTest
  def test_s17_a_project_in_an_organization_that_is_not_olives_is_a_400_naming_the_field
    error = assert_raises(CloudBooks::InvalidRequestError) do
      olive.projects.create(organization: SecureRandom.uuid, name: unique("Nowhere"))
    end
    assert_envelope error, CloudBooks::InvalidRequestError, 400, "invalid_request"
    assert_equal "organization", error.details["field"]
    refute_empty error.details["issue"]
  end

  def test_s17_a_limit_out_of_range_is_a_400_naming_limit
    error = assert_raises(CloudBooks::InvalidRequestError) { olive.projects.list(limit: 500).to_a }
    assert_envelope error, CloudBooks::InvalidRequestError, 400, "invalid_request"
    assert_equal "limit", error.details["field"]
    refute_empty error.details["issue"]
  end

  def test_s18_a_wrong_key_is_a_401
    client = CloudBooks::Client.new(api_key: "sk_live_#{"x" * 40}", base_url: base_url)
    error = assert_raises(CloudBooks::AuthenticationError) { client.projects.list.to_a }
    assert_envelope error, CloudBooks::AuthenticationError, 401, "unauthorized"
  end

  def test_s19_a_write_with_the_read_only_key_is_a_403
    org = olive.organizations.create(name: unique("Read-only target"))
    error = assert_raises(CloudBooks::PermissionDeniedError) do
      read_only.projects.create(organization: org.id, name: "Not allowed")
    end
    assert_envelope error, CloudBooks::PermissionDeniedError, 403, "forbidden"
    assert_empty olive.projects.list(organization: org.id).to_a
  end

  def test_s20_a_member_may_not_delete_a_project
    client = olive
    org = client.organizations.create(name: unique("Roles"))
    project = client.projects.create(organization: org.id, name: unique("Kept"))
    client.organizations.members(org.id).create(email: server["pro_email"], role: "member")

    error = assert_raises(CloudBooks::PermissionDeniedError) { pablo_login.projects.delete(project.id) }

    assert_envelope error, CloudBooks::PermissionDeniedError, 403, "forbidden"
    assert_equal project.id, client.projects.get(project.id).id
  end

  def test_s21_an_unknown_project_is_a_404
    error = assert_raises(CloudBooks::NotFoundError) { olive.projects.get(SecureRandom.uuid) }
    assert_envelope error, CloudBooks::NotFoundError, 404, "not_found"
  end

  def test_s22_the_only_owner_may_not_leave
    client = olive
    olive_id = client.users.me.id
    org = client.organizations.create(name: unique("Keep owner"))
    members = client.organizations.members(org.id)

    error = assert_raises(CloudBooks::ConflictError) { members.delete(olive_id) }

    assert_envelope error, CloudBooks::ConflictError, 409, "conflict"
    assert_equal "owner", members.get(olive_id).role
  end

  def test_s23_a_body_over_one_mebibyte_is_a_413
    org = olive.organizations.create(name: unique("Big"))
    error = assert_raises(CloudBooks::PayloadTooLargeError) do
      olive.projects.create(organization: org.id, name: "Big", description: "x" * (1.1 * 1024 * 1024).to_i)
    end
    assert_envelope error, CloudBooks::PayloadTooLargeError, 413, "payload_too_large"
    assert_empty olive.projects.list(organization: org.id).to_a
  end

  def test_s24_a_body_that_is_not_json_is_a_415
    error = assert_raises(CloudBooks::UnsupportedMediaTypeError) do
      olive.request(:post, "organizations", body: {name: unique("Text")},
                                            request_options: {headers: {"Content-Type" => "text/plain"}})
    end
    assert_envelope error, CloudBooks::UnsupportedMediaTypeError, 415, "unsupported_media_type"
  end

  def test_s25_the_same_idempotency_key_with_another_body_is_a_422_and_with_the_same_body_a_replay
    client = olive
    org = client.organizations.create(name: unique("Idempotency"))
    key = "ruby-s25-#{SecureRandom.uuid}"
    name = unique("Once")

    first = client.projects.create(organization: org.id, name: name, request_options: {idempotency_key: key})
    refute client.last_response.idempotent_replayed?

    error = assert_raises(CloudBooks::InvalidRequestError) do
      client.projects.create(organization: org.id, name: unique("Other"), request_options: {idempotency_key: key})
    end
    assert_envelope error, CloudBooks::InvalidRequestError, 422, "invalid_request"
    assert_equal "Idempotency-Key", error.details["field"]
    assert_equal [first.id], client.projects.list(organization: org.id).map(&:id)

    again = client.projects.create(organization: org.id, name: name, request_options: {idempotency_key: key})
    assert_equal first, again
    assert client.last_response.idempotent_replayed?
    assert_equal [first.id], client.projects.list(organization: org.id).map(&:id)
  end

  def test_s26_with_retries_off_a_429_is_a_rate_limit_error_with_its_retry_after
    client = olive(max_retries: 0)
    error = assert_raises(CloudBooks::RateLimitError) { client.users.me(request_options: fault(429)) }
    assert_envelope error, CloudBooks::RateLimitError, 429, "rate_limit_exceeded"
    assert_equal 1.0, error.retry_after
  end

  def test_s26_with_retries_off_each_5xx_is_an_api_error_with_its_status
    client = olive(max_retries: 0)
    expected = {
      500 => [CloudBooks::InternalServerError, "internal_error"],
      502 => [CloudBooks::APIError, "bad_gateway"],
      503 => [CloudBooks::ServiceUnavailableError, "service_unavailable"],
      504 => [CloudBooks::APIError, "gateway_timeout"]
    }
    expected.each do |status, (klass, code)|
      error = assert_raises(klass) { client.users.me(request_options: fault(status)) }
      assert_envelope error, klass, status, code
      assert_kind_of CloudBooks::APIError, error
    end
  end
end
