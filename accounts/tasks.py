from celery import shared_task

from accounts import services


@shared_task(bind=True, max_retries=5, retry_backoff=True, acks_late=True)
def send_password_reset(self, email: str, domain: str, use_https: bool, language: str) -> None:
    """E-mail a password-reset link, if the address has an account (the request that asked
    does not know, and must not take longer when it has)."""
    try:
        services.password_reset_send(
            email=email, domain=domain, use_https=use_https, language=language
        )
    except OSError as exc:  # the mail server did not answer; try again later
        raise self.retry(exc=exc) from exc
