# frozen_string_literal: true

module CloudBooks
  # The API's resources: `client.auth`, `client.users`, `client.organizations` (and
  # `client.organizations.members(id)`), `client.projects`.
  #
  # Every method takes `request_options:`, a Hash of `headers:` (extra request headers),
  # `idempotency_key:` (a POST's key; `false` sends none, and then the POST is not retried),
  # `max_retries:` and `timeout:` (seconds) for this call only.
  module Resources
    class Base
      def initialize(client)
        @client = client
      end

      private

      def call(method, path, body = nil, request_options)
        @client.execute(method, path, body: body, options: request_options)
      end

      def list_of(path, params, model, request_options)
        ListObject.new(@client, path, params, model, request_options)
      end

      # The fields the caller gave: nil means "leave it as it is", not "set it to null".
      def fields(**given)
        given.compact
      end
    end

    # /auth: sign in and out, renew, and ask who is calling.
    class Auth < Base
      # Sign this client in (it renews its access token itself from then on); the User.
      def login(email:, password:, request_options: nil)
        body = @client.execute("POST", "auth/login", body: {email: email, password: password},
                                                     options: request_options, authenticated: false)
        @client.start_session(body)
        @client.user
      end

      # Renew the access token now (it happens on its own: this is for the impatient).
      def refresh(request_options: nil)
        @client.refresh_session(request_options)
        nil
      end

      # Revoke the login's access and refresh tokens on the server, and forget them.
      # An API-key client's logout is refused by the server (PermissionDeniedError).
      def logout(request_options: nil)
        refresh = @client.refresh_token
        call("POST", "auth/logout", refresh ? {refresh: refresh} : {}, request_options)
        @client.end_session
        nil
      end

      # The caller, the credential in use and the budget left: a Whoami.
      def whoami(request_options: nil)
        Whoami.from_json(call("GET", "auth/whoami", request_options))
      end
    end

    # /users: the caller's account, and users who share an organization with the caller.
    class Users < Base
      def me(request_options: nil)
        User.from_json(call("GET", "users/me", request_options))
      end

      # PATCH: change the given fields; a new `password` needs the `current_password`.
      def update(name: nil, email: nil, password: nil, current_password: nil, request_options: nil)
        body = fields(name: name, email: email, password: password, current_password: current_password)
        User.from_json(call("PATCH", "users/me", body, request_options))
      end

      # PUT: `name` and `email` are required.
      def replace(name:, email:, password: nil, current_password: nil, request_options: nil)
        body = fields(name: name, email: email, password: password, current_password: current_password)
        User.from_json(call("PUT", "users/me", body, request_options))
      end

      # Delete the caller's account: its keys and tokens stop working at once. A ConflictError
      # while it is the only owner of organizations with other members (`details["organizations"]`).
      def delete(request_options: nil)
        call("DELETE", "users/me", request_options)
        nil
      end

      # The caller, or a user sharing an organization with the caller (else NotFoundError).
      def get(id, request_options: nil)
        PublicUser.from_json(call("GET", "users/#{escape(id)}", request_options))
      end

      private

      def escape(id) = Resources.escape(id)
    end

    # /organizations: those the caller belongs to.
    class Organizations < Base
      def list(limit: nil, request_options: nil)
        list_of("organizations", {limit: limit}, Organization, request_options)
      end

      # The caller becomes its owner.
      def create(name:, slug: nil, description: nil, request_options: nil)
        body = fields(name: name, slug: slug, description: description)
        Organization.from_json(call("POST", "organizations", body, request_options))
      end

      def get(id, request_options: nil)
        Organization.from_json(call("GET", path(id), request_options))
      end

      # PATCH the given fields (admins and owners).
      def update(id, name: nil, slug: nil, description: nil, request_options: nil)
        body = fields(name: name, slug: slug, description: description)
        Organization.from_json(call("PATCH", path(id), body, request_options))
      end

      # PUT: `name` is required.
      def replace(id, name:, slug: nil, description: nil, request_options: nil)
        body = fields(name: name, slug: slug, description: description)
        Organization.from_json(call("PUT", path(id), body, request_options))
      end

      # Delete it with its projects and memberships (owners).
      def delete(id, request_options: nil)
        call("DELETE", path(id), request_options)
        nil
      end

      # The members of one organization: `client.organizations.members(id).list`.
      def members(organization_id)
        Members.new(@client, organization_id)
      end

      private

      def path(id) = "organizations/#{Resources.escape(id)}"
    end

    # /organizations/{id}/members, addressed by user id.
    class Members < Base
      attr_reader :organization_id

      def initialize(client, organization_id)
        super(client)
        @organization_id = organization_id
        @path = "organizations/#{Resources.escape(organization_id)}/members"
      end

      def list(limit: nil, request_options: nil)
        list_of(@path, {limit: limit}, Member, request_options)
      end

      # Add an existing user by email (admins and owners; only owners add owners).
      def create(email:, role: "member", request_options: nil)
        Member.from_json(call("POST", @path, {email: email, role: role}, request_options))
      end

      def get(user_id, request_options: nil)
        Member.from_json(call("GET", member_path(user_id), request_options))
      end

      # Change a member's role; demoting the last owner is a ConflictError.
      def update(user_id, role:, request_options: nil)
        Member.from_json(call("PATCH", member_path(user_id), {role: role}, request_options))
      end

      # Remove a member, or leave with your own user id (the last owner cannot: ConflictError).
      def delete(user_id, request_options: nil)
        call("DELETE", member_path(user_id), request_options)
        nil
      end

      private

      def member_path(user_id) = "#{@path}/#{Resources.escape(user_id)}"
    end

    # /projects: the projects of the caller's organizations.
    class Projects < Base
      # Newest first, optionally of one organization, fetched `limit` (1-100) at a time.
      def list(organization: nil, limit: nil, request_options: nil)
        list_of("projects", {organization: organization, limit: limit}, Project, request_options)
      end

      def create(organization:, name:, description: nil, request_options: nil)
        body = fields(organization: organization, name: name, description: description)
        Project.from_json(call("POST", "projects", body, request_options))
      end

      def get(id, request_options: nil)
        Project.from_json(call("GET", path(id), request_options))
      end

      # PATCH the given fields.
      def update(id, name: nil, description: nil, request_options: nil)
        body = fields(name: name, description: description)
        Project.from_json(call("PATCH", path(id), body, request_options))
      end

      # PUT: `organization` (its own) and `name` are required.
      def replace(id, organization:, name:, description: nil, request_options: nil)
        body = fields(organization: organization, name: name, description: description)
        Project.from_json(call("PUT", path(id), body, request_options))
      end

      # Admins and owners of its organization.
      def delete(id, request_options: nil)
        call("DELETE", path(id), request_options)
        nil
      end

      private

      def path(id) = "projects/#{Resources.escape(id)}"
    end

    # An id as one path segment (ids are UUIDs; anything else must not change the path).
    def self.escape(id)
      URI.encode_www_form_component(id.to_s).gsub("+", "%20")
    end
  end
end
