import { useNavigate } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { useAuth } from '../auth/AuthContext';
import { useT } from '../i18n';

export function SignOutButton({ className = 'btn-secondary' }: { className?: string }) {
  const { t } = useT();
  const { signOut } = useAuth();
  const navigate = useNavigate();
  // signOut never fails: offline or already signed out, the session is forgotten here all the same.
  const signingOut = useMutation({ mutationFn: signOut, onSettled: () => navigate('/', { replace: true }) });
  return (
    <button
      type="button"
      className={className}
      aria-busy={signingOut.isPending || undefined}
      onClick={() => {
        if (!signingOut.isPending) signingOut.mutate();
      }}
    >
      {t('common.signOut')}
    </button>
  );
}
