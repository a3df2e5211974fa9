# frozen_string_literal: true

require_relative "../test_helper"

# SCENARIO S34, last: it deletes Pablo, whom other steps use. ci.sh runs this file on its own
# after the rest of the suite, against the same server.
class AccountDeletionTest < ScenarioTest
  def test_s34_a_deleted_account_is_refused_from_then_on
    client = pablo_login
    access = client.access_token
    refresh = client.refresh_token

    assert_nil client.users.delete

    assert_raises(CloudBooks::AuthenticationError) do
      CloudBooks::Client.new(api_key: access, base_url: base_url).users.me
    end
    anonymous = CloudBooks::Client.new(api_key: nil, base_url: base_url)
    assert_raises(CloudBooks::AuthenticationError) { anonymous.request(:post, "auth/refresh", body: {refresh: refresh}) }
    error = assert_raises(CloudBooks::AuthenticationError) do
      CloudBooks::Client.login(email: server["pro_email"], password: server["pro_password"], base_url: base_url)
    end
    assert_equal 401, error.status
  end
end
