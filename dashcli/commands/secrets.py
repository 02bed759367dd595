"""``dash secrets``: check the secrets a profile needs; encrypt and rewrap kubevault ciphertext.

``check`` lists every secret the enabled sources, the store and the server need, where it was
looked for, and found/missing with a masked hint. ``encrypt`` and ``rewrap`` are the operator's
side of the ``kubevault`` provider: they talk to Vault Transit (Kubernetes auth with a role, or
``$VAULT_TOKEN``) and optionally to the Kubernetes API to write the Secret. No command prints a
secret value.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dashcli.commands.options import ProfileOption, SetOption, StoreOption
from dashcli.core.errors import DashError, UsageError

if TYPE_CHECKING:
    from dashcli.profiles.schema import KubeVaultSecrets, Profile
    from dashcli.secrets.check import Row
    from dashcli.secrets.kubevault import SecretRef, Vault

secrets_app = typer.Typer(
    help="Check the secrets a profile needs; encrypt and rewrap kubevault secrets.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    """Add ``dash secrets`` to ``app``."""
    app.add_typer(secrets_app, name="secrets")


@secrets_app.command("check")
def check(
    profile: ProfileOption = None, overrides: SetOption = None, store: StoreOption = None
) -> None:
    """Show every secret the profile needs and whether its provider has it (values masked).

    Exits 1 when a required secret is missing or the secrets provider fails. --store checks the
    store URL a service is started with instead of the profile's.

    Examples:

        dash secrets check

        dash secrets check --profile kubernetes
    """
    from dashcli.profiles import load_profile
    from dashcli.secrets import SecretsError, provider_lookup
    from dashcli.secrets.check import check as look_up
    from dashcli.secrets.check import needs

    loaded = load_profile(profile, overrides)
    if store is not None:
        loaded = loaded.model_copy(update={"store": store})
    required = needs(loaded)
    lookup = provider_lookup(loaded)
    failure: SecretsError | None = None
    try:
        if lookup is not None:
            try:
                lookup.load()
            except SecretsError as exc:
                failure = exc
        rows = look_up(required, lookup)
    finally:
        if lookup is not None:
            lookup.close()
    provider = lookup.name if lookup is not None else "none configured (no secrets: section)"
    if not rows:
        typer.echo("this profile needs no secrets")
    else:
        typer.echo(f"secrets provider: {provider}")
        _table(rows, unchecked=failure is not None)
    if failure is not None:
        raise failure
    missing = [row for row in rows if row.need.required and not row.found]
    if missing:
        names = ", ".join(f"{row.need.key!r} (needed by {row.need.needed_by})" for row in missing)
        plural = "s" if len(missing) > 1 else ""
        raise DashError(f"missing required secret{plural} {names} from secrets provider {provider}")


def _table(rows: list["Row"], *, unchecked: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table()
    table.add_column("key", no_wrap=True)
    table.add_column("needed by")
    table.add_column("required")
    table.add_column("provider")
    table.add_column("status", no_wrap=True)
    table.add_column("hint", no_wrap=True)
    for row in rows:
        inline = row.need.inline is not None
        status = "not checked" if unchecked and not inline else row.status
        table.add_row(
            row.need.key,
            row.need.needed_by,
            "required" if row.need.required else "optional",
            row.provider,
            status,
            row.hint if not unchecked or inline else "-",
        )
    Console(soft_wrap=False).print(table)


TransitKeyOption = Annotated[
    str | None,
    typer.Option("--transit-key", help="Transit key name (default: the profile's kubevault)."),
]
VaultUrlOption = Annotated[
    str | None,
    typer.Option("--vault-url", envvar="VAULT_ADDR", help="Vault address, e.g. https://vault:8200."),
]
RoleOption = Annotated[
    str | None,
    typer.Option("--role", help="Vault Kubernetes-auth role (ignored when VAULT_TOKEN is set)."),
]
JwtOption = Annotated[
    str | None,
    typer.Option("--jwt-path", help="Service-account JWT for the Kubernetes-auth login."),
]
AuthMountOption = Annotated[
    str | None, typer.Option("--auth-mount", help="Kubernetes auth mount (default kubernetes).")
]
TransitMountOption = Annotated[
    str | None, typer.Option("--transit-mount", help="Transit mount (default transit).")
]
CaCertOption = Annotated[
    str | None,
    typer.Option("--ca-cert", envvar="VAULT_CACERT", help="CA certificate (PEM) to verify Vault."),
]
KubeconfigOption = Annotated[
    str | None,
    typer.Option("--kubeconfig", help="kubeconfig for writing the Secret (default: in-cluster, "
                 "$KUBECONFIG or ~/.kube/config)."),
]
KeyOption = Annotated[
    str | None, typer.Option("--key", help="The Secret's key holding the ciphertext.")
]
FileOption = Annotated[
    Path | None, typer.Option("--file", "-f", help="Read from this file ('-' argument: stdin).")
]
StdinArgument = Annotated[
    str | None, typer.Argument(metavar="-", help="'-' reads from standard input.")
]


@secrets_app.command("encrypt")
def encrypt(
    stdin: StdinArgument = None,
    file: FileOption = None,
    transit_key: TransitKeyOption = None,
    write_secret: Annotated[
        str | None,
        typer.Option("--write-secret", metavar="NAMESPACE/NAME",
                     help="Write the ciphertext into this Secret's --key (created if absent)."),
    ] = None,
    key: KeyOption = None,
    vault_url: VaultUrlOption = None,
    role: RoleOption = None,
    jwt_path: JwtOption = None,
    auth_mount: AuthMountOption = None,
    transit_mount: TransitMountOption = None,
    ca_cert: CaCertOption = None,
    kubeconfig: KubeconfigOption = None,
    profile: ProfileOption = None,
    overrides: SetOption = None,
) -> None:
    """Encrypt a JSON/YAML file of secrets with Vault Transit for the kubevault provider.

    Prints the base64 of the ciphertext, as a Secret's data holds it, or writes it into a
    Secret with --write-secret. Vault options default to the profile's kubevault section;
    VAULT_TOKEN, when set, is used instead of the Kubernetes-auth login.

    Examples:

        dash secrets encrypt --transit-key dash --file secrets.yaml --vault-url https://vault:8200

        sops -d secrets.yaml | dash secrets encrypt - --write-secret dash/dash-secrets --key secrets
    """
    import base64

    from dashcli.secrets.kubevault import plaintext_of

    settings = _kubevault_settings(profile, overrides)
    values = _read_secrets(stdin, file)
    name = transit_key or (settings.transit_key if settings else None)
    if not name:
        raise UsageError("--transit-key is required (no kubevault section in the profile)")
    ref: SecretRef | None = None
    if write_secret:
        target_key = key or (settings.key if settings else None)
        if not target_key:
            raise UsageError("--write-secret needs --key (the Secret's key for the ciphertext)")
        ref = _secret_ref(write_secret, target_key)
    elif key:
        raise UsageError("--key goes with --write-secret")
    vault = _vault(settings, vault_url, role, jwt_path, auth_mount, transit_mount, ca_cert)
    try:
        ciphertext = vault.encrypt(name, plaintext_of(values))
    finally:
        vault.close()
    version = ciphertext.split(":")[1]
    if ref is None:
        typer.echo(base64.b64encode(ciphertext.encode()).decode())
        typer.echo(f"encrypted {len(values)} secrets with transit key {name!r} {version}", err=True)
        return
    outcome = _write(ref, ciphertext, kubeconfig or (settings.kubeconfig if settings else None))
    typer.echo(f"{ref}: {outcome} ({len(values)} secrets, transit key {name!r} {version})")


@secrets_app.command("rewrap")
def rewrap(
    stdin: StdinArgument = None,
    file: FileOption = None,
    transit_key: TransitKeyOption = None,
    secret: Annotated[
        str | None,
        typer.Option("--secret", metavar="NAMESPACE/NAME",
                     help="The Secret to rewrap in place (default: the profile's kubevault)."),
    ] = None,
    key: KeyOption = None,
    vault_url: VaultUrlOption = None,
    role: RoleOption = None,
    jwt_path: JwtOption = None,
    auth_mount: AuthMountOption = None,
    transit_mount: TransitMountOption = None,
    ca_cert: CaCertOption = None,
    kubeconfig: KubeconfigOption = None,
    profile: ProfileOption = None,
    overrides: SetOption = None,
) -> None:
    """Re-encrypt kubevault ciphertext with the newest Transit key version (after a rotation).

    The new ciphertext is decrypted and compared with the old one before anything is replaced.
    Rewraps the profile's Secret in place, another with --secret, or a value given with --file
    or '-' (the new value is printed).

    Examples:

        dash secrets rewrap --profile kubernetes

        dash secrets rewrap --secret dash/dash-secrets --key secrets --transit-key dash
    """
    import base64

    from dashcli.secrets.kubevault import read_ciphertext, stored_ciphertext
    from dashcli.secrets.kubevault import rewrap as rewrap_ciphertext

    settings = _kubevault_settings(profile, overrides)
    name = transit_key or (settings.transit_key if settings else None)
    if not name:
        raise UsageError("--transit-key is required (no kubevault section in the profile)")
    from_input = stdin is not None or file is not None
    if from_input and (secret or key):
        raise UsageError("give either --secret/--key or a file/'-', not both")
    ref: SecretRef | None = None
    if not from_input:
        if secret:
            target_key = key or (settings.key if settings else None)
            ref = _secret_ref(secret, target_key or "")
        elif settings is not None:
            ref = _secret_ref(f"{settings.namespace}/{settings.name}", key or settings.key)
        else:
            raise UsageError("nothing to rewrap: give --secret and --key, --file, or '-'")
    config = kubeconfig or (settings.kubeconfig if settings else None)
    vault = _vault(settings, vault_url, role, jwt_path, auth_mount, transit_mount, ca_cert)
    try:
        if ref is None:
            old = stored_ciphertext(_read_input(stdin, file).strip().encode(), "kubevault",
                                    "the input")
        else:
            from dashcli.secrets.kubernetes import KubeClient, credentials

            kube = KubeClient(credentials(config, "kubevault"), "kubevault")
            try:
                old = read_ciphertext(kube, ref)
            finally:
                kube.close()
        new, changed = rewrap_ciphertext(vault, name, old)
    finally:
        vault.close()
    before, after = old.split(":")[1], new.split(":")[1]
    if ref is None:
        typer.echo(base64.b64encode(new.encode()).decode())
        typer.echo(f"rewrapped {before} -> {after} (round trip verified)" if changed
                   else f"already at the newest key version {after}", err=True)
    elif not changed:
        typer.echo(f"{ref}: already at the newest key version {after}; nothing changed")
    else:
        _write(ref, new, config)
        typer.echo(f"{ref}: rewrapped {before} -> {after} (round trip verified)")


def _kubevault_settings(
    profile: str | None, overrides: list[str] | None
) -> "KubeVaultSecrets | None":
    from dashcli.profiles import load_profile
    from dashcli.profiles.schema import KubeVaultSecrets

    loaded: Profile = load_profile(profile, overrides)
    return loaded.secrets if isinstance(loaded.secrets, KubeVaultSecrets) else None


def _vault(
    settings: "KubeVaultSecrets | None",
    url: str | None,
    role: str | None,
    jwt_path: str | None,
    auth_mount: str | None,
    transit_mount: str | None,
    ca_cert: str | None,
) -> "Vault":
    """A Vault client from the options, else the profile; $VAULT_TOKEN replaces the login."""
    import os

    from dashcli.secrets.kubevault import Vault

    address = url or (settings.vault_url if settings else None)
    if not address:
        raise UsageError("--vault-url (or VAULT_ADDR) is required")
    token = os.environ.get("VAULT_TOKEN") or None
    login_role = role or (settings.role if settings else None)
    if token is None and not login_role:
        raise UsageError("--role is required for the Kubernetes-auth login (or set VAULT_TOKEN)")
    default_jwt = "/var/run/secrets/kubernetes.io/serviceaccount/token"
    return Vault(
        address,
        role=login_role,
        jwt_path=jwt_path or (settings.jwt_path if settings else default_jwt),
        token=token,
        ca_cert=ca_cert or (settings.ca_cert if settings else None),
        auth_mount=auth_mount or (settings.auth_mount if settings else "kubernetes"),
        transit_mount=transit_mount or (settings.transit_mount if settings else "transit"),
    )


def _secret_ref(target: str, key: str) -> "SecretRef":
    import re

    from dashcli.profiles.schema import K8S_NAME
    from dashcli.secrets.kubevault import SecretRef

    namespace, _, name = target.partition("/")
    if not (re.match(K8S_NAME, namespace) and re.match(K8S_NAME, name)):
        raise UsageError(f"{target!r}: expected NAMESPACE/NAME")
    if not key:
        raise UsageError("--key is required (the Secret's key holding the ciphertext)")
    return SecretRef(namespace, name, key)


def _write(ref: "SecretRef", ciphertext: str, kubeconfig: str | None) -> str:
    from dashcli.secrets.kubernetes import KubeClient, credentials

    kube = KubeClient(credentials(kubeconfig, "kubevault"), "kubevault")
    try:
        return kube.write_secret_key(ref.namespace, ref.name, ref.key, ciphertext.encode())
    finally:
        kube.close()


def _read_input(stdin: str | None, file: Path | None) -> str:
    """The text of ``--file`` or of standard input ('-'); exactly one must be given."""
    import sys

    from dashcli.secrets.base import read_text

    if (stdin is None) == (file is None):
        raise UsageError("give exactly one of --file FILE or '-' (standard input)")
    if stdin is not None and stdin != "-":
        raise UsageError(f"unexpected argument {stdin!r} (use --file FILE, or '-' for stdin)")
    if file is None:
        return sys.stdin.read()
    return read_text(file, "encrypt")


def _read_secrets(stdin: str | None, file: Path | None) -> dict[str, Any]:
    """The key: value secrets to encrypt, from JSON or YAML."""
    from dashcli.secrets import SecretsError
    from dashcli.secrets.base import parse_mapping

    text = _read_input(stdin, file)
    where = str(file) if file is not None else "<stdin>"
    is_json = file.suffix.lower() == ".json" if file is not None else text.lstrip()[:1] == "{"
    values = parse_mapping(text, "encrypt", where, kind="JSON" if is_json else "YAML")
    if not values:
        raise SecretsError("encrypt", f"{where}: no secrets to encrypt")
    return values
